"""The learners exam shows (考生信息: name and masked ID number; the operator's attempt
logs: username and name), kept from identity's events."""
from services.common.learner_copy import LearnerCopy

from .models import learners

COPY = LearnerCopy(learners, ("username", "real_name", "id_number_masked"))
