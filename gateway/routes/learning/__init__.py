"""Routes answered by learning: public (/certificates), me (/me: the learner), admin (/admin: the operator and admins)."""
