"""learning: training plans, courses, activations, selections, tracked video learning,
notes / discussions / Q&A, archives and certificates."""
