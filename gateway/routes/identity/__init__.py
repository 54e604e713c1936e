"""Routes answered by identity: public (/auth), me (/me), admin (/admin)."""
