"""The learners billing knows (username, name), kept from identity's events: so the
operator finds orders by username and name without asking identity per row."""
from services.common.learner_copy import LearnerCopy

from .models import learners

COPY = LearnerCopy(learners)
registered, updated, user_id_of, names = (COPY.registered, COPY.updated, COPY.user_id_of,
                                          COPY.names)
