"""identity's copy of the org tree, kept by the one mechanism every service uses
(services/common/org_copy.py)."""
from services.common import org_copy

from .models import orgs


def apply_org_event(uow, payload, envelope):
    return org_copy.apply_org_event(uow, orgs, payload, envelope)
