"""修改单位信息 and 更换上级部门 (Henan guide): a unit's admin asks to change its name or code,
or to move under another parent. A name / code change is reviewed by an admin above the
unit; a parent change by both the old and the new parent's admins, each side deciding on
its own, and takes effect (the subtree moves) when both have approved. A change may be
asked only while nothing awaits review in the unit's subtree, one at a time, and can be
withdrawn (撤销) while pending. Every change stays in the unit's 变更记录."""
from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from services.common import authz
from services.common.decisions import apply_batch, batch_decision
from services.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from services.common.paging import page_request, paged
from services.common.schema import load

from . import audit, certificate_scans, tree
from .contracts import ChangeReviewQuery, MyOrgPatch, OrgInfoChangeBody
from .domain import org_codes
from .models import memberships, org_changes, org_units
from .domain.unit_types import PARENT_TYPES
from .registrations import ensure_code_free, registration_view

MAX_BATCH = 100
CHANGEABLE_TYPES = tuple(PARENT_TYPES)  # units that registered themselves
DIRECT_FIELDS = ("region", "address", "contact_name", "contact_phone", "review_members")


def _own_org(uow, actor):
    """The admin's own unit; only units that registered themselves change this way."""
    scope = authz.require_module(actor, "basic_info")
    if scope is None:
        raise InvalidInput("org_admin_required", "请以单位管理员身份修改单位信息")
    row = uow.session.execute(select(org_units).where(org_units.c.id == int(actor["org_id"]))
                              ).mappings().first()
    if row is None or row["path"] != actor["org_path"]:
        raise NotFound("org_not_found", "单位不存在或已调整，请重新登录")
    return row


def org_profile(uow, storage, actor):
    """基本信息 of the admin's own unit."""
    row = _own_org(uow, actor)
    parent = uow.session.execute(select(org_units.c.name).where(
        org_units.c.id == row["parent_id"])).scalar() if row["parent_id"] else None
    return registration_view(dict(row) | {"parent_name": parent}, storage)


def update_direct(uow, storage, actor, data):
    """Contact details and the member-review setting change at once (no review)."""
    row = _own_org(uow, actor)
    values = load(MyOrgPatch(), data)
    if values:
        uow.session.execute(update(org_units).where(org_units.c.id == row["id"]).values(**values))
        tree.announce_org(uow, row["id"], "org_updated")
        audit.record(uow, actor, "org_info_changed", "org", row["id"],
                     {k: row[k] for k in values}, values)
        uow.commit()
    return org_profile(uow, storage, actor)


def _nothing_pending(uow, org, identity):
    """The guide's rule: a unit changes its info only while nothing awaits review in it or
    below it — its own change requests, people's and units' registrations (orgtree's), and
    people's info changes (identity's, asked by RPC; no write is open meanwhile)."""
    if uow.session.execute(select(org_changes.c.id).where(
            org_changes.c.org_id == org["id"], org_changes.c.status == "pending")).first():
        raise Conflict("change_pending", "已有修改单位信息在审核流程中")
    below = org_units.c.path.startswith(org["path"], autoescape=True)
    people_waiting = uow.session.execute(
        select(func.count()).select_from(memberships.join(
            org_units, org_units.c.id == memberships.c.org_id))
        .where(below, memberships.c.status == "pending")).scalar()
    units_waiting = uow.session.execute(select(func.count()).select_from(org_units).where(
        below, org_units.c.status == "pending")).scalar()
    changes_waiting = identity.pending_person_changes(org["path"])
    if people_waiting or units_waiting or changes_waiting:
        raise Conflict("reviews_pending_below",
                       f"本单位及下级尚有待审核信息（人员注册{people_waiting}条、单位注册{units_waiting}条、"
                       f"人员信息变更{changes_waiting}条），处理完毕后才能修改单位信息")


def request_info_change(uow, storage, identity, actor, data):
    org = _own_org(uow, actor)
    clean = load(OrgInfoChangeBody(), data)
    before, after = {}, {}
    if clean["name"] and clean["name"].strip() != org["name"]:
        before["name"], after["name"] = org["name"], clean["name"].strip()
    if clean["uscc"] or clean["org_code"]:
        try:
            code = org_codes.check(clean["uscc"], clean["org_code"])
        except org_codes.CodeInvalid as err:
            field = "uscc" if clean["uscc"] else "org_code"
            raise InvalidInput("org_code_invalid", str(err), fields={field: [str(err)]}) from None
        if (code.uscc, code.org_code) != (org["uscc"], org["org_code"]):
            ensure_code_free(uow, code, other_than=org["id"])
            before |= {"uscc": org["uscc"], "org_code": org["org_code"]}
            after |= {"uscc": code.uscc, "org_code": code.org_code,
                      "code_warning": code.warning is not None}
            if not clean["certificate_id"]:
                raise InvalidInput("certificate_required", "修改代码须上传新的代码证扫描件",
                                   fields={"certificate_id": ["请上传新的代码证扫描件"]})
            certificate_scans.accept(storage, clean["certificate_id"])
            after["certificate_key"] = clean["certificate_id"]
    if not after:
        raise InvalidInput("nothing_changed", "没有需要修改的内容")
    _nothing_pending(uow, org, identity)
    return _file(uow, actor, org, "info", before, after)


def request_parent_change(uow, identity, actor, new_parent_id):
    org = _own_org(uow, actor)
    parent = uow.session.execute(select(org_units).where(org_units.c.id == int(new_parent_id))
                                 ).mappings().first()
    if parent is None or parent["status"] != "approved":
        raise NotFound("parent_not_found", "所选上级单位不存在或未通过审核",
                       fields={"parent_id": ["所选上级单位不存在或未通过审核"]})
    if parent["id"] == org["parent_id"]:
        raise InvalidInput("same_parent", "所选上级单位与当前上级相同",
                           fields={"parent_id": ["与当前上级相同"]})
    if parent["path"].startswith(org["path"]):
        raise InvalidInput("parent_in_own_subtree", "不能把本单位调整到自己或下级单位之下",
                           fields={"parent_id": ["不能选择本单位或下级单位"]})
    if org["type"] not in PARENT_TYPES or parent["type"] not in PARENT_TYPES[org["type"]]:
        raise InvalidInput("parent_type_invalid", "所选单位不能作为本单位的上级",
                           fields={"parent_id": ["所选单位不能作为本单位的上级"]})
    _nothing_pending(uow, org, identity)
    return _file(uow, actor, org, "parent", {"parent_id": org["parent_id"]},
                 {"parent_id": parent["id"]},
                 old_parent_id=org["parent_id"], new_parent_id=parent["id"])


def _file(uow, actor, org, kind, before, after, **parents):
    change_id = uow.session.execute(insert(org_changes).values(
        org_id=org["id"], kind=kind, before=before, after=after, status="pending",
        requested_by=int(actor["user_id"]), requested_at=uow.clock.now(), **parents)
    ).inserted_primary_key[0]
    audit.record(uow, actor, f"org_{kind}_change_requested", "org_change", change_id,
                 before, after)
    uow.commit()
    return _one(uow, change_id)


def withdraw(uow, actor, change_id):
    """撤销: the unit's own admin takes a pending change back."""
    org = _own_org(uow, actor)
    claimed = uow.session.execute(update(org_changes).where(
        org_changes.c.id == change_id, org_changes.c.org_id == org["id"],
        org_changes.c.status == "pending").values(status="withdrawn",
                                                   decided_at=uow.clock.now())).rowcount
    if not claimed:
        raise NotFound("change_not_pending", "没有可撤销的修改申请")
    audit.record(uow, actor, "org_change_withdrawn", "org_change", change_id,
                 {"status": "pending"}, {"status": "withdrawn"})
    uow.commit()
    return _one(uow, change_id)


def records(uow, actor, org_id=None, page=1, page_size=None):
    """变更记录 of the admin's unit, or of a unit below it."""
    if org_id is None:
        org_id = _own_org(uow, actor)["id"]
    else:
        scope = authz.require_module(actor, "basic_info")
        path = uow.session.execute(select(org_units.c.path).where(
            org_units.c.id == int(org_id))).scalar()
        if path is None or not authz.within(scope, path):
            raise NotFound("org_not_found", "在您的管辖范围内没有该单位")
    rows = (select(org_changes).where(org_changes.c.org_id == int(org_id))
            .order_by(org_changes.c.id.desc()))
    return paged(uow.session, rows, page_request({"page": page, "page_size": page_size}),
                 lambda r: _view(uow, r))


# --- review -----------------------------------------------------------------------

def _sides(uow, scope, change):
    """Which approvals of `change` a reviewer with `scope` may give: 'info' (an admin
    above the unit), 'old' / 'new' (an admin at or above the old / new parent)."""
    paths = dict(uow.session.execute(select(org_units.c.id, org_units.c.path).where(
        org_units.c.id.in_([change["org_id"], change["old_parent_id"] or 0,
                            change["new_parent_id"] or 0]))).all())
    if change["kind"] == "info":
        unit = paths.get(change["org_id"], "")
        # above the unit, not the unit itself
        return {"info"} if authz.within(scope, unit) and unit != scope else set()
    sides = set()
    if authz.within(scope, paths.get(change["old_parent_id"], "")):
        sides.add("old")
    if authz.within(scope, paths.get(change["new_parent_id"], "")):
        sides.add("new")
    return sides


def _reviewable(scope):
    """(tables, where) of the changes a reviewer with `scope` decides — the same rule as
    _sides, in SQL so that lists page in the database."""
    unit, old, new = (org_units.alias("unit"), org_units.alias("old_parent"),
                      org_units.alias("new_parent"))
    table = (org_changes.join(unit, unit.c.id == org_changes.c.org_id)
             .outerjoin(old, old.c.id == org_changes.c.old_parent_id)
             .outerjoin(new, new.c.id == org_changes.c.new_parent_id))
    if scope is None:
        return table, []
    within = lambda column: column.startswith(scope, autoescape=True)  # noqa: E731
    return table, [or_(
        and_(org_changes.c.kind == "info", within(unit.c.path), unit.c.path != scope),
        and_(org_changes.c.kind == "parent", or_(within(old.c.path), within(new.c.path))))]


def reviews(uow, actor, raw_query):
    """Changes awaiting (or given) this reviewer's decision."""
    scope = authz.require_module(actor, "account_review")
    query = load(ChangeReviewQuery(), raw_query)
    table, where = _reviewable(scope)
    where.append(org_changes.c.status == query["status"])
    if query["kind"]:
        where.append(org_changes.c.kind == query["kind"])
    if query["q"]:
        where.append(org_changes.c.org_id.in_(select(org_units.c.id).where(
            org_units.c.name.contains(query["q"].strip(), autoescape=True))))
    rows = select(org_changes).select_from(table).where(*where).order_by(org_changes.c.id)
    return paged(uow.session, rows, page_request(query), lambda r: _view(uow, r))


def decide(uow, actor, change_ids, decision, reason=None):
    scope = authz.require_module(actor, "account_review")
    approve, reason, ids = batch_decision(decision, reason, change_ids, MAX_BATCH, "change_ids")
    decision = "approve" if approve else "reject"
    result = apply_batch(
        ids, lambda change_id: _decide_one(uow, actor, scope, change_id, decision, reason),
        "change_id")
    uow.commit()
    return result


def _decide_one(uow, actor, scope, change_id, decision, reason):
    """None when decided, else why not. The row is locked (FOR UPDATE) so the two
    parents' admins deciding at once cannot both miss that the other side is done."""
    change = uow.session.execute(select(org_changes).where(org_changes.c.id == change_id)
                                 .with_for_update()).mappings().first()
    sides = _sides(uow, scope, change) if change else set()
    if not sides:
        return "不在您的审核范围内"
    if change["status"] != "pending":
        return "该申请已处理"
    if change["requested_by"] == int(actor["user_id"]):
        return "不能审核本人提交的申请"
    actor_id, now = int(actor["user_id"]), uow.clock.now()
    values = {}
    if change["kind"] == "parent":
        sides = {side for side in sides if change[f"{side}_parent_decision"] is None}
        if not sides:
            return "您已审核过该申请，等待另一方审核"
        for side in sides:
            values[f"{side}_parent_decision"] = "approved" if decision == "approve" else "rejected"
            values[f"{side}_parent_decided_by"] = actor_id
        merged = {s: values.get(f"{s}_parent_decision") or change[f"{s}_parent_decision"]
                  for s in ("old", "new")}
        if decision == "reject":
            values |= {"status": "rejected", "decided_at": now, "reason": reason}
        elif merged == {"old": "approved", "new": "approved"}:
            values |= {"status": "approved", "decided_at": now}
    else:
        values = {"status": "approved" if decision == "approve" else "rejected",
                  "decided_at": now, "reason": reason or None}
    try:
        with uow.session.begin_nested():  # the decision and its effect stand or fall together
            uow.session.execute(update(org_changes).where(org_changes.c.id == change_id)
                                .values(**values))
            if values.get("status") == "approved":
                _apply(uow, change)
    except IntegrityError:  # another unit took the new code meanwhile
        return "新代码已被其他单位使用，不能通过"
    audit.record(uow, actor, f"org_change_{decision}d", "org_change", change_id,
                 {"status": "pending"}, {k: v for k, v in values.items() if k != "decided_at"})
    return None


def _apply(uow, change):
    if change["kind"] == "parent":
        tree.move_subtree(uow, change["org_id"], change["after"]["parent_id"])
        return
    after = dict(change["after"])
    uow.session.execute(update(org_units).where(org_units.c.id == change["org_id"])
                        .values(**after))
    tree.announce_org(uow, change["org_id"], "org_updated")


# --- views -----------------------------------------------------------------------

def _one(uow, change_id):
    row = uow.session.execute(select(org_changes).where(org_changes.c.id == change_id)
                              ).mappings().first()
    return _view(uow, row)


FIELD_LABELS = {"name": "单位名称", "uscc": "统一社会信用代码", "org_code": "组织机构代码",
                "parent_id": "上级单位", "code_warning": "代码校验提示",
                "certificate_key": "代码证扫描件"}


def _view(uow, row):
    """The change with a field-by-field view of what it changes (parents by name)."""
    ids = [row["org_id"], row["before"].get("parent_id"), row["after"].get("parent_id")]
    names = dict(uow.session.execute(select(org_units.c.id, org_units.c.name).where(
        org_units.c.id.in_([i for i in ids if i]))).all())
    diff = []
    for field, new in row["after"].items():
        if field in ("code_warning", "certificate_key"):
            continue
        old = row["before"].get(field)
        if field == "parent_id":
            old, new = names.get(old), names.get(new)
        diff.append({"field": field, "label": FIELD_LABELS.get(field, field),
                     "before": old, "after": new})
    return {"change_id": row["id"], "org_id": row["org_id"], "org_name": names.get(row["org_id"]),
            "kind": row["kind"], "kind_label": "更换上级部门" if row["kind"] == "parent"
            else "修改单位信息", "diff": diff, "status": row["status"],
            "old_parent_decision": row["old_parent_decision"],
            "new_parent_decision": row["new_parent_decision"], "reason": row["reason"],
            "requested_at": row["requested_at"].isoformat(),
            "decided_at": row["decided_at"].isoformat() if row["decided_at"] else None}


def move_by_operator(uow, actor, org_id, new_parent_id):
    """The platform operator re-parents a unit directly (a restructuring decided outside
    the platform); the same rules on types and cycles hold."""
    if actor.get("role") != "operator":
        raise Forbidden("operator_required", "仅平台运营人员可以直接调整单位隶属关系")
    org = uow.session.execute(select(org_units).where(org_units.c.id == int(org_id))
                              ).mappings().first()
    parent = uow.session.execute(select(org_units).where(org_units.c.id == int(new_parent_id))
                                 ).mappings().first()
    if org is None or parent is None:
        raise NotFound("org_not_found", "单位或所选上级单位不存在")
    allowed = PARENT_TYPES.get(org["type"]) or {
        "internal_dept": ("employer", "internal_dept"), "hr_bureau": ("hr_bureau",)
    }[org["type"]]
    if parent["type"] not in allowed:
        raise InvalidInput("parent_type_invalid", "所选单位不能作为该单位的上级",
                           fields={"parent_id": ["所选单位不能作为该单位的上级"]})
    before = {"parent_id": org["parent_id"], "path": org["path"]}
    moved = tree.move_subtree(uow, org["id"], parent["id"])
    audit.record(uow, actor, "org_moved", "org", org["id"], before,
                 {"parent_id": parent["id"], "units_moved": moved})
    uow.commit()
    return {"org_id": org["id"], "parent_id": parent["id"], "units_moved": moved}
