"""人员调动: the old org sends a transfer-out naming the new org; an admin of the new org
confirms the transfer-in (or refuses it, with a reason); both sides keep the records.
The person's org follows everywhere by `member_transferred`."""
from sqlalchemy import insert, select, update

from services.common import authz
from services.common.decisions import apply_batch
from services.common.paging import page_request, paged
from services.common.errors import Conflict, InvalidInput, NotFound

from . import audit
from .models import memberships, org_units, transfers

MEMBER_ORG_TYPES = ("employer", "internal_dept")


def _org(uow, org_id):
    return uow.session.execute(select(org_units).where(org_units.c.id == org_id)
                               ).mappings().first()


def send_out(uow, actor, user_id, to_org_id, note=None):
    scope = authz.require_module(actor, "learner_management")
    member = uow.session.execute(
        select(memberships, org_units.c.path).select_from(
            memberships.join(org_units, org_units.c.id == memberships.c.org_id))
        .where(memberships.c.user_id == user_id, memberships.c.status == "approved")
    ).mappings().first()
    if member is None or not authz.within(scope, member["path"]):
        raise NotFound("learner_not_found", "在您的管辖范围内未找到该人员")
    target = _org(uow, to_org_id)
    if target is None or target["status"] != "approved" or target["type"] not in MEMBER_ORG_TYPES:
        raise NotFound("org_not_found", "调入单位不存在或不能接收人员",
                       fields={"to_org_id": ["调入单位不存在或不能接收人员"]})
    if target["id"] == member["org_id"]:
        raise InvalidInput("same_org", "调入单位与当前单位相同",
                           fields={"to_org_id": ["调入单位与当前单位相同"]})
    if uow.session.execute(select(transfers.c.id).where(
            transfers.c.user_id == user_id, transfers.c.status == "pending")).first():
        raise Conflict("transfer_pending", "该人员已有调动在审核流程中")
    transfer_id = uow.session.execute(insert(transfers).values(
        user_id=user_id, real_name=member["real_name"], from_org_id=member["org_id"],
        to_org_id=to_org_id, status="pending", note=(note or None),
        requested_by=int(actor["user_id"]), requested_at=uow.clock.now())
    ).inserted_primary_key[0]
    audit.record(uow, actor, "transfer_out", "transfer", transfer_id,
                 {"org_id": member["org_id"]}, {"to_org_id": to_org_id, "status": "pending"})
    uow.commit()
    return get(uow, transfer_id)


def decide(uow, actor, transfer_id, decision, reason=None):
    """The new org's admin accepts or refuses; decided once (the UPDATE is the lock)."""
    scope = authz.require_module(actor, "learner_management")
    if decision not in ("accept", "reject"):
        raise InvalidInput("decision_invalid", "请选择接收或拒绝",
                           fields={"decision": ["须为 accept 或 reject"]})
    if decision == "reject" and not (reason or "").strip():
        raise InvalidInput("reason_required", "拒绝调入时须填写原因",
                           fields={"reason": ["拒绝调入时须填写原因"]})
    row = uow.session.execute(
        select(transfers, org_units.c.path.label("to_path")).select_from(
            transfers.join(org_units, org_units.c.id == transfers.c.to_org_id))
        .where(transfers.c.id == transfer_id)).mappings().first()
    if row is None or not authz.within(scope, row["to_path"]):
        raise NotFound("transfer_not_found", "没有待您单位确认的该调动")
    status = "accepted" if decision == "accept" else "rejected"
    now = uow.clock.now()
    claimed = uow.session.execute(update(transfers).where(
        transfers.c.id == transfer_id, transfers.c.status == "pending"
    ).values(status=status, decided_by=int(actor["user_id"]), decided_at=now,
             reason=(reason or "").strip() or None)).rowcount
    if not claimed:
        raise Conflict("transfer_decided", "该调动已处理")
    if status == "accepted":
        uow.session.execute(update(memberships).where(memberships.c.user_id == row["user_id"])
                            .values(org_id=row["to_org_id"]))
        uow.add_event("member_transferred", {
            "transfer_id": transfer_id, "user_id": row["user_id"],
            "from_org_id": row["from_org_id"], "to_org_id": row["to_org_id"]})
    audit.record(uow, actor, f"transfer_{status}", "transfer", transfer_id,
                 {"status": "pending"}, {"status": status, "reason": reason or None})
    uow.commit()
    return get(uow, transfer_id)


MAX_MOVE = 500


def move(uow, actor, user_ids, to_org_id):
    """学员管理 › 调整组织机构: an admin moves people between orgs of their own subtree at
    once (both ends are theirs, so nobody else confirms); kept as accepted transfers."""
    scope = authz.require_module(actor, "learner_management")
    ids = sorted({int(i) for i in user_ids})
    if not ids or len(ids) > MAX_MOVE:
        raise InvalidInput("batch_size", f"每次调整1–{MAX_MOVE}人",
                           fields={"user_ids": [f"须为1–{MAX_MOVE}人"]})
    target = _org(uow, to_org_id)
    if (target is None or target["status"] != "approved"
            or target["type"] not in MEMBER_ORG_TYPES or not authz.within(scope, target["path"])):
        raise NotFound("org_not_found", "调整到的单位不在您的管辖范围内或不能接收人员",
                       fields={"to_org_id": ["不在您的管辖范围内或不能接收人员"]})
    now = uow.clock.now()

    def move_one(user_id):
        member = uow.session.execute(
            select(memberships, org_units.c.path).select_from(
                memberships.join(org_units, org_units.c.id == memberships.c.org_id))
            .where(memberships.c.user_id == user_id, memberships.c.status == "approved")
        ).mappings().first()
        if member is None or not authz.within(scope, member["path"]):
            return "不在您的管辖范围内"
        if member["org_id"] == to_org_id:
            return "已在该单位"
        if uow.session.execute(select(transfers.c.id).where(
                transfers.c.user_id == user_id, transfers.c.status == "pending")).first():
            return "该人员有调动在审核中"
        transfer_id = uow.session.execute(insert(transfers).values(
            user_id=user_id, real_name=member["real_name"], from_org_id=member["org_id"],
            to_org_id=to_org_id, status="accepted", note="管理员调整组织机构",
            requested_by=int(actor["user_id"]), requested_at=now,
            decided_by=int(actor["user_id"]), decided_at=now)).inserted_primary_key[0]
        uow.session.execute(update(memberships).where(memberships.c.user_id == user_id)
                            .values(org_id=to_org_id))
        uow.add_event("member_transferred", {"transfer_id": transfer_id, "user_id": user_id,
                                             "from_org_id": member["org_id"],
                                             "to_org_id": to_org_id})
        audit.record(uow, actor, "member_moved", "membership", member["id"],
                     {"org_id": member["org_id"]}, {"org_id": to_org_id})
        return None

    result = apply_batch(ids, move_one, "user_id", done="moved")
    uow.commit()
    return result


def get(uow, transfer_id):
    source, target = org_units.alias("source"), org_units.alias("target")
    r = uow.session.execute(
        select(transfers, source.c.name.label("from_org_name"),
               target.c.name.label("to_org_name"))
        .select_from(transfers.join(source, source.c.id == transfers.c.from_org_id)
                     .join(target, target.c.id == transfers.c.to_org_id))
        .where(transfers.c.id == transfer_id)).mappings().first()
    return _item(r)


def _item(r):
    return {"transfer_id": r["id"], "user_id": r["user_id"], "real_name": r["real_name"],
            "from_org_id": r["from_org_id"], "from_org_name": r["from_org_name"],
            "to_org_id": r["to_org_id"], "to_org_name": r["to_org_name"],
            "status": r["status"], "note": r["note"], "reason": r["reason"],
            "requested_at": r["requested_at"].isoformat(),
            "decided_at": r["decided_at"].isoformat() if r["decided_at"] else None}


def records(uow, actor, direction, status=None, page=1, page_size=None):
    """调出记录 / 调入记录 of the jurisdiction."""
    scope = authz.require_module(actor, "learner_management")
    if direction not in ("in", "out"):
        raise InvalidInput("direction_invalid", "请选择调入或调出记录",
                           fields={"direction": ["须为 in 或 out"]})
    source, target = org_units.alias("source"), org_units.alias("target")
    side = target if direction == "in" else source
    where = []
    if scope is not None:
        where.append(side.c.path.startswith(scope, autoescape=True))
    if status:
        where.append(transfers.c.status == status)
    table = (transfers.join(source, source.c.id == transfers.c.from_org_id)
             .join(target, target.c.id == transfers.c.to_org_id))
    rows = (select(transfers, source.c.name.label("from_org_name"),
                   target.c.name.label("to_org_name")).select_from(table).where(*where)
            .order_by(transfers.c.id.desc()))
    return paged(uow.session, rows, page_request({"page": page, "page_size": page_size}),
                 _item)


