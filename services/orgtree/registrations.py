"""单位注册: supervising departments register under the HR bureau, employers under a
supervising department, a higher employer (上级单位) or the HR bureau of their level
(同级人社), training institutions under a supervising department or HR bureau. An admin of
the chosen parent (or above it) approves or rejects; the applicant may withdraw while it
is pending, and on approval becomes the new unit's super admin (identity's part)."""
import logging

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from services.common import authz
from services.common.decisions import apply_batch, batch_decision
from services.common.errors import Conflict, InvalidInput, NotFound
from services.common.paging import page_request, paged
from services.common.schema import load

from . import audit, certificate_scans, tree
from .contracts import OrgRegistrationQuery, UnitRegistration
from .domain import org_codes
from .domain.unit_types import PARENT_TYPES
from .models import org_units

log = logging.getLogger(__name__)

ACTIVE = ("draft", "pending", "approved", "disabled")  # statuses that hold a code
MAX_BATCH = 200


def check(uow, storage, data):
    """Everything about the unit that can be wrong, before anything is written."""
    clean = load(UnitRegistration(), data)
    clean["name"] = clean["name"].strip()
    try:
        code = org_codes.check(clean.pop("uscc"), clean.pop("org_code"))
    except org_codes.CodeInvalid as err:
        field = "uscc" if (data.get("uscc") or "").strip() else "org_code"
        raise InvalidInput("org_code_invalid", str(err), fields={field: [str(err)]}) from None
    if clean["type"] == "training_institution" and not clean["institution_level"]:
        raise InvalidInput("institution_level_required", "请选择继续教育基地级别",
                           fields={"institution_level": ["请选择继续教育基地级别"]})
    parent = uow.session.execute(select(org_units).where(org_units.c.id == clean["parent_id"])
                                 ).mappings().first()
    if parent is None or parent["status"] != "approved":
        raise NotFound("parent_not_found", "所选上级单位不存在或未通过审核",
                       fields={"parent_id": ["所选上级单位不存在或未通过审核"]})
    if parent["type"] not in PARENT_TYPES[clean["type"]]:
        allowed = "、".join(tree.ORG_TYPE_LABELS[t] for t in PARENT_TYPES[clean["type"]])
        raise InvalidInput("parent_type_invalid",
                           f"{tree.ORG_TYPE_LABELS[clean['type']]}的上级须为{allowed}",
                           fields={"parent_id": [f"上级须为{allowed}"]})
    ensure_code_free(uow, code)
    certificate_scans.accept(storage, clean["certificate_id"])
    return clean, code, parent


def ensure_code_free(uow, code, other_than=None):
    """A code belongs to one unit that is pending, approved or disabled."""
    same_code = [org_units.c.org_code == code.org_code]
    if code.uscc:
        same_code.append(org_units.c.uscc == code.uscc)
    query = select(org_units.c.name).where(org_units.c.status.in_(ACTIVE), or_(*same_code))
    if other_than is not None:
        query = query.where(org_units.c.id != other_than)
    taken = uow.session.execute(query).first()
    if taken:
        raise Conflict("org_code_registered", f"该代码已由“{taken.name}”注册，请勿重复注册",
                       fields={"uscc" if code.uscc else "org_code": ["该代码已注册"]})


def register(uow, storage, applicants, data, applicant):
    """Three short steps, so no transaction stays open while identity works (on SQLite a
    write lock held across an RPC stalls every other writer of the process): the unit is
    written as a draft nobody sees; identity checks or creates the applicant's account for
    it; then the unit becomes pending and is announced — or, if identity refused, the draft
    is deleted."""
    clean, code, parent = check(uow, storage, data)
    try:
        org_id = tree.add_org(
            uow, clean["name"], clean["type"], parent_id=parent["id"],
            review_members=clean["review_members"] if clean["type"] == "employer" else False,
            status="draft", uscc=code.uscc, region=clean["region"], announce=False,
            extra={"org_code": code.org_code, "code_warning": code.warning is not None,
                   "certificate_key": clean["certificate_id"], "address": clean["address"],
                   "contact_name": clean["contact_name"],
                   "contact_phone": clean["contact_phone"],
                   "institution_level": clean["institution_level"]})
        uow.commit()
    except IntegrityError:  # a registration with the same code got in between
        uow.rollback()
        ensure_code_free(uow, code)  # names the unit that holds it, if it can
        raise Conflict("org_code_registered", "该代码刚由另一单位注册，请勿重复注册") from None
    try:
        who = applicants.org_applicant(org_id, applicant)
    except Exception:
        uow.session.execute(org_units.delete().where(org_units.c.id == org_id,
                                                     org_units.c.status == "draft"))
        uow.commit()
        raise
    uow.session.execute(update(org_units).where(org_units.c.id == org_id)
                        .values(status="pending", applicant_user_id=who["user_id"]))
    tree.announce_org(uow, org_id)
    uow.commit()
    return {"org_id": org_id, "status": "pending", "reviewing_org": parent["name"],
            "code_warning": code.warning, "applicant_username": who["username"]}


# --- review (审核用人单位 / 审核继续教育基地) --------------------------------------

def _reviewable(scope):
    """Registrations whose parent lies in the reviewer's jurisdiction."""
    parent = org_units.alias("parent")
    table = org_units.join(parent, parent.c.id == org_units.c.parent_id)
    where = [org_units.c.type.in_(list(PARENT_TYPES)), org_units.c.applicant_user_id.isnot(None)]
    if scope is not None:
        where.append(parent.c.path.startswith(scope, autoescape=True))
    return parent, table, where


def pending(uow, storage, actor, raw_query):
    scope = authz.require_module(actor, "account_review")
    query = load(OrgRegistrationQuery(), raw_query)
    parent, table, where = _reviewable(scope)
    where.append(org_units.c.status == query["status"])
    if query["type"]:
        where.append(org_units.c.type == query["type"])
    if query["q"]:
        where.append(org_units.c.name.contains(query["q"].strip(), autoescape=True))
    if query["institution_level"]:
        where.append(org_units.c.institution_level == query["institution_level"])
    rows = (select(org_units, parent.c.name.label("parent_name")).select_from(table)
            .where(*where).order_by(org_units.c.created_at, org_units.c.id))
    return paged(uow.session, rows, page_request(query),
                 lambda r: registration_view(r, storage))


def registration_view(r, storage=None):
    return {
        "org_id": r["id"], "name": r["name"], "type": r["type"],
        "type_label": tree.ORG_TYPE_LABELS[r["type"]], "parent_id": r["parent_id"],
        "parent_name": r.get("parent_name"), "uscc": r["uscc"], "org_code": r["org_code"],
        "code_warning": r["code_warning"], "region": r["region"], "address": r["address"],
        "contact_name": r["contact_name"], "contact_phone": r["contact_phone"],
        "institution_level": r["institution_level"], "review_members": r["review_members"],
        "status": r["status"], "reason": r["reason"],
        "registered_at": r["created_at"].isoformat(),
        "decided_at": r["decided_at"].isoformat() if r["decided_at"] else None,
        "certificate_url": (storage.signed_link(r["certificate_key"], ttl_seconds=600)
                            if storage and r["certificate_key"] else None)}


def decide(uow, actor, org_ids, decision, reason=None, confirm_code_warning=False):
    """Batch approve / reject. Each registration is decided once — the UPDATE's WHERE on
    `status = 'pending'` is the lock — never by its own applicant, and a USCC that failed
    its check digit is approved only when the reviewer confirms it."""
    scope = authz.require_module(actor, "account_review")
    approve, reason, ids = batch_decision(decision, reason, org_ids, MAX_BATCH, "org_ids", "个单位")
    parent, table, where = _reviewable(scope)
    rows = {r["id"]: r for r in uow.session.execute(
        select(org_units).select_from(table).where(*where, org_units.c.id.in_(ids))
    ).mappings()}
    status = "approved" if approve else "rejected"
    actor_id = int(actor["user_id"])
    now = uow.clock.now()

    def decide_one(org_id):
        row = rows.get(org_id)
        if row is None:
            return "不在您的审核范围内"
        if row["applicant_user_id"] == actor_id:
            return "不能审核本人提交的注册"
        if status == "approved" and row["code_warning"] and not confirm_code_warning:
            return "统一社会信用代码校验未通过，须确认后再审核通过"
        claimed = uow.session.execute(update(org_units).where(
            org_units.c.id == org_id, org_units.c.status == "pending"
        ).values(status=status, decided_at=now, decided_by=actor_id, reason=reason)).rowcount
        if not claimed:
            return "该注册已处理"
        if status == "approved":
            tree.announce_org(uow, org_id, "org_approved",
                              applicant_user_id=row["applicant_user_id"], approved_by=actor_id)
        else:
            tree.announce_org(uow, org_id, "org_rejected",
                              applicant_user_id=row["applicant_user_id"], reason=reason)
        audit.record(uow, actor, f"org_registration_{status}", "org", org_id,
                     {"status": "pending"}, {"status": status, "reason": reason,
                                             "code_warning_confirmed": bool(
                                                 row["code_warning"] and status == "approved")})
        return None

    result = apply_batch(ids, decide_one, "org_id")
    uow.commit()
    return result


# --- the applicant's side: progress query and withdrawal --------------------------

def of_applicant(uow, user_id):
    """注册审核进度查询 for units: every registration the person applied for."""
    parent = org_units.alias("parent")
    rows = uow.session.execute(
        select(org_units, parent.c.name.label("parent_name"))
        .select_from(org_units.join(parent, parent.c.id == org_units.c.parent_id))
        .where(org_units.c.applicant_user_id == user_id, org_units.c.type.in_(list(PARENT_TYPES)))
        .order_by(org_units.c.id.desc())).mappings().all()
    return [{"org_id": r["id"], "name": r["name"], "type_label": tree.ORG_TYPE_LABELS[r["type"]],
             "status": r["status"], "reviewing_org": r["parent_name"], "reason": r["reason"],
             "registered_at": r["created_at"].isoformat(),
             "can_withdraw": r["status"] == "pending"} for r in rows]


def withdraw(uow, org_id, user_id):
    """撤回申请: only the applicant, only while pending; the code is free again after."""
    claimed = uow.session.execute(update(org_units).where(
        org_units.c.id == org_id, org_units.c.applicant_user_id == user_id,
        org_units.c.status == "pending").values(status="withdrawn", decided_at=uow.clock.now())
    ).rowcount
    if not claimed:
        raise Conflict("registration_not_pending", "没有可撤回的待审核单位注册")
    tree.announce_org(uow, org_id, "org_withdrawn", applicant_user_id=user_id)
    uow.commit()
    return {"org_id": org_id, "status": "withdrawn"}
