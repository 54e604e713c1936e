"""identity's copy of the org tree equals orgtree's tree whatever order orgtree's events
arrive in: a realistic history (units registered, some pending then approved or
rejected, renamed, whole subtrees moved, units added under moved ones) is made by
orgtree's own code, then delivered to identity's handlers shuffled, duplicated and with
some events held back to the end."""
import json
import random

import pytest
from nameko.testing.services import worker_factory
from sqlalchemy import delete, select, update

from services.identity import models as identity_models
from services.identity.service import IdentityService
from services.orgtree import tree
from services.orgtree.models import org_units
from services.orgtree.models import outbox as orgtree_outbox

FIELDS = ("parent_id", "path", "name", "type", "status", "review_members")


def make_history(factory, seed):
    """Runs a random but realistic life of a tree through orgtree; returns the envelopes
    orgtree wrote and the tree it ends with."""
    rnd = random.Random(seed)
    with factory() as uow:
        roots = [tree.add_org(uow, "人社局甲", "hr_bureau"), tree.add_org(uow, "人社局乙", "hr_bureau")]
        uow.commit()
    ids = list(roots)
    pending = []
    for step in range(40):
        with factory() as uow:
            action = rnd.choice(["add", "add", "add_pending", "decide", "rename", "move", "move"])
            if action in ("add", "add_pending") or len(ids) < 4:
                status = "pending" if action == "add_pending" else "approved"
                org_id = tree.add_org(uow, f"单位{step}", rnd.choice(["employer",
                                                                       "supervising_dept"]),
                                      rnd.choice(ids), status=status,
                                      review_members=rnd.random() < 0.3)
                ids.append(org_id)
                if status == "pending":
                    pending.append(org_id)
            elif action == "decide" and pending:
                org_id = pending.pop(rnd.randrange(len(pending)))
                outcome = rnd.choice(["approved", "rejected"])
                uow.session.execute(update(org_units).where(org_units.c.id == org_id)
                                    .values(status=outcome))
                tree.announce_org(uow, org_id, "org_approved" if outcome == "approved"
                                  else "org_rejected", applicant_user_id=None,
                                  **({} if outcome == "approved" else {"reason": "不符合"}))
            elif action == "rename":
                org_id = rnd.choice(ids)
                uow.session.execute(update(org_units).where(org_units.c.id == org_id)
                                    .values(name=f"改名{step}",
                                            review_members=rnd.random() < 0.5))
                tree.announce_org(uow, org_id, "org_updated")
            else:
                org_id = rnd.choice([i for i in ids if i not in roots])
                path = uow.session.execute(select(org_units.c.path)
                                           .where(org_units.c.id == org_id)).scalar()
                targets = [i for i in ids if i != org_id and not uow.session.execute(
                    select(org_units.c.path).where(org_units.c.id == i)).scalar()
                    .startswith(path)]
                tree.move_subtree(uow, org_id, rnd.choice(targets))
            uow.commit()
    with factory() as uow:
        envelopes = [json.loads(e) for e in uow.session.execute(
            select(orgtree_outbox.c.envelope).order_by(orgtree_outbox.c.id)).scalars()]
        truth = {r["id"]: tuple(r[f] for f in FIELDS) for r in uow.session.execute(
            select(org_units)).mappings()}
    return envelopes, truth


def deliveries(envelopes, rnd):
    """Shuffled, with about a fifth delivered twice and a few held back to the end."""
    order = list(envelopes) + [e for e in envelopes if rnd.random() < 0.2]
    rnd.shuffle(order)
    late = [order.pop(rnd.randrange(len(order))) for _ in range(min(3, len(order)))]
    return order + late


def identity_copy(db):
    with db() as uow:
        return {r["id"]: tuple(r[f] for f in FIELDS) for r in uow.session.execute(
            select(identity_models.orgs)).mappings()}


@pytest.mark.parametrize("seed", range(6))
def test_identity_copy_equals_orgtree_tree_in_any_delivery_order(uow_factory, seed):
    envelopes, truth = make_history(uow_factory("orgtree"), seed)
    assert {e["type"] for e in envelopes} >= {"org_registered", "org_moved", "org_updated"}
    db = uow_factory("identity")
    identity = worker_factory(IdentityService, db=db, captcha_required=False)
    rnd = random.Random(1000 + seed)
    orders = [list(envelopes), list(reversed(envelopes))]
    orders += [deliveries(envelopes, rnd) for _ in range(12)]
    for order in orders:
        with db() as uow:
            uow.session.execute(delete(identity_models.orgs))
            uow.session.execute(delete(identity_models.inbox))
            uow.commit()
        for env in order:
            getattr(identity, f"on_{env['type']}")(env)
        assert identity_copy(db) == truth
