"""人员信息变更审核: a person asks to change their name, document, birth date or sex; an
admin of their org (or above) sees what changes, field by field, and approves or
rejects in batches. One request at a time; withdrawable while pending."""
from datetime import date

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from services.common.decisions import apply_batch, batch_decision
from services.common.errors import Conflict, NotFound
from services.common.paging import page_request, paged
from services.common.schema import load

from . import accounts as accounts_service
from . import audit_trail
from .contracts import PersonChangeQuery
from .domain import permissions
from .domain import profile as profile_rules
from .domain.masking import mask_id_number
from .models import accounts, orgs, people, person_changes

MAX_BATCH = 200
LABELS = {"real_name": "姓名", "id_type": "证件类型", "id_number": "证件号码",
          "birth_date": "出生日期", "gender": "性别"}


def _current(uow, user_id):
    row = uow.session.execute(select(people).where(people.c.user_id == user_id)
                              ).mappings().first()
    if row is None:
        raise NotFound("profile_not_found", "个人资料不存在")
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}


def submit(uow, user_id, changes):
    current = _current(uow, user_id)
    clean = profile_rules.check_reviewed_changes(current, changes or {})
    if uow.session.execute(select(person_changes.c.id).where(
            person_changes.c.user_id == user_id, person_changes.c.status == "pending")).first():
        raise Conflict("change_pending", "已有信息修改在审核中，请等待审核或撤销后再提交")
    if "id_number" in clean and uow.session.execute(select(people.c.user_id).where(
            people.c.id_number == clean["id_number"])).first():
        raise Conflict("id_number_registered", "该证件号码已被其他账号使用",
                       fields={"id_number": ["该证件号码已被其他账号使用"]})
    change_id = uow.session.execute(insert(person_changes).values(
        user_id=user_id, org_id=current["org_id"],
        before={k: current[k] for k in clean}, after=clean, status="pending",
        requested_at=uow.clock.now())).inserted_primary_key[0]
    uow.commit()
    return _view(_row(uow, change_id), full=True)


def mine(uow, user_id):
    rows = uow.session.execute(_query().where(person_changes.c.user_id == user_id)
                               .order_by(person_changes.c.id.desc())).mappings().all()
    return {"items": [_view(r, full=True) for r in rows]}


def withdraw(uow, user_id, change_id):
    claimed = uow.session.execute(update(person_changes).where(
        person_changes.c.id == change_id, person_changes.c.user_id == user_id,
        person_changes.c.status == "pending").values(status="withdrawn",
                                                      decided_at=uow.clock.now())).rowcount
    if not claimed:
        raise NotFound("change_not_pending", "没有可撤销的信息修改申请")
    uow.commit()
    return _view(_row(uow, change_id), full=True)


def _query():
    return (select(person_changes, people.c.real_name, orgs.c.name.label("org_name"),
                   orgs.c.path)
            .select_from(person_changes.join(people, people.c.user_id == person_changes.c.user_id)
                         .outerjoin(orgs, orgs.c.id == people.c.org_id)))


def reviews(uow, actor, raw_query):
    scope = permissions.require_module(actor, "account_review")
    query = load(PersonChangeQuery(), raw_query)
    where = [person_changes.c.status == query["status"]]
    if scope is not None:
        where.append(orgs.c.path.startswith(scope, autoescape=True))
    if query["real_name"]:
        where.append(people.c.real_name.contains(query["real_name"], autoescape=True))
    full = actor.get("role") == "operator" or "pii_full" in (actor.get("modules") or [])
    return paged(uow.session, _query().where(*where).order_by(person_changes.c.id),
                 page_request(query), lambda r: _view(r, full=full))


def decide(uow, actor, change_ids, decision, reason=None):
    scope = permissions.require_module(actor, "account_review")
    approve, reason, ids = batch_decision(decision, reason, change_ids, MAX_BATCH, "change_ids")
    decision = "approve" if approve else "reject"
    result = apply_batch(
        ids, lambda change_id: _decide_one(uow, actor, scope, change_id, decision, reason),
        "change_id")
    uow.commit()
    return result


def _decide_one(uow, actor, scope, change_id, decision, reason):
    row = _row(uow, change_id)
    if row is None or (scope is not None and not permissions.in_jurisdiction(scope, row["path"])):
        return "不在您的审核范围内"
    if row["user_id"] == int(actor["user_id"]):
        return "不能审核本人的申请"
    status = "approved" if decision == "approve" else "rejected"
    try:
        with uow.session.begin_nested():  # the claim and the change stand or fall together
            claimed = uow.session.execute(update(person_changes).where(
                person_changes.c.id == change_id, person_changes.c.status == "pending"
            ).values(status=status, decided_by=int(actor["user_id"]),
                     decided_at=uow.clock.now(), reason=reason or None)).rowcount
            if claimed and status == "approved":
                _apply(uow, row)
    except IntegrityError:
        return "该证件号码已被其他账号使用，不能通过"
    if not claimed:
        return "该申请已处理"
    audit_trail.record(uow, actor, f"person_change_{status}", "user", row["user_id"],
                       _masked(row["before"]), _masked(row["after"]))
    return None


def _apply(uow, row):
    after = dict(row["after"])
    values = dict(after)
    if "birth_date" in values:
        values["birth_date"] = date.fromisoformat(values["birth_date"])
    uow.session.execute(update(people).where(people.c.user_id == row["user_id"]).values(**values))
    uow.session.execute(update(accounts).where(accounts.c.id == row["user_id"])
                        .values(updated_at=uow.clock.now()))
    accounts_service.announce_update(uow, row["user_id"], _masked(after))


def _masked(values):
    """Events and the audit log never carry a full document number."""
    result = dict(values)
    if "id_number" in result:
        result["id_number_masked"] = mask_id_number(result.pop("id_number") or "")
    return result


def _row(uow, change_id):
    return uow.session.execute(_query().where(person_changes.c.id == change_id)
                               ).mappings().first()


def _view(row, full=False):
    def shown(field, value):
        return value if field != "id_number" or full or value is None else mask_id_number(value)
    diff = [{"field": f, "label": LABELS[f], "before": shown(f, row["before"].get(f)),
             "after": shown(f, v)} for f, v in row["after"].items()]
    return {"change_id": row["id"], "user_id": row["user_id"], "real_name": row["real_name"],
            "org_name": row["org_name"], "diff": diff, "status": row["status"],
            "reason": row["reason"], "requested_at": row["requested_at"].isoformat(),
            "decided_at": row["decided_at"].isoformat() if row["decided_at"] else None}


def pending_under(uow, path):
    """Pending info changes of people in the units under `path` (orgtree asks before a
    unit may change its own information)."""
    return uow.session.execute(
        select(func.count()).select_from(person_changes.join(
            people, people.c.user_id == person_changes.c.user_id)
            .join(orgs, orgs.c.id == people.c.org_id))
        .where(person_changes.c.status == "pending",
               orgs.c.path.startswith(path, autoescape=True))).scalar()
