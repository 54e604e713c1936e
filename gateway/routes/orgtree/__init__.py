"""Routes answered by orgtree: public (/orgs), admin (/admin)."""
