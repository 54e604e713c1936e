"""identity's domain rules, in plain Python: no framework, no database."""
