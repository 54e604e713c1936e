"""orgtree: org units and their tree, registrations and approvals, memberships."""
