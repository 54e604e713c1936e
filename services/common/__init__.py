"""What every service needs and nothing else: settings, database and unit of work,
the transactional outbox and its relay, the idempotent inbox, the event envelope and
catalogue, domain errors, the clock and file storage. No business rules live here."""
