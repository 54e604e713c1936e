"""Roles and an org's admins (Henan guide: 角色管理, 管理员管理). Only the org's super admin
manages them, and only for that org. A super admin resets, disables, enables or promotes
only admins whose account they govern (governance.py); an account from outside the unit is
invited, not made an admin, and its person accepts or declines (admin_invitations.py)."""
from sqlalchemy import func, insert, select, update
from stdnum.cn import ric

from services.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from services.common.schema import load

from . import audit_trail, governance
from .contracts import AddAdminBody, RoleBody
from .domain import id_documents, passwords, permissions
from .domain.masking import mask_id_number
from .models import accounts, admin_grants, people, roles
from .tokens import modules_version


def _org_of(uow, actor, org_id=None):
    """The org whose roles and admins the actor manages: their own (the operator names one),
    as the live grant says."""
    permissions.require_super_admin(actor)
    if actor.get("role") == "operator":
        if org_id is None:
            raise InvalidInput("org_required", "请指定单位", fields={"org_id": ["请指定单位"]})
        return int(org_id)
    live = governance.live_super_org(uow, actor)
    if live is None:
        raise Forbidden("super_admin_required", "仅超级管理员可以管理管理员和角色")
    return int(live)


def _scope(uow, actor, org):
    """The jurisdiction a super admin acts in: their unit's subtree (the operator's: all)."""
    return None if actor.get("role") == "operator" else governance.org_path(uow, org)


def list_roles(uow, actor, org_id=None):
    org = _org_of(uow, actor, org_id)
    rows = uow.session.execute(select(roles).where(roles.c.org_id == org,
                                                   roles.c.deleted_at.is_(None))
                               .order_by(roles.c.id)).mappings().all()
    return [_role(r) for r in rows]


def _role(row):
    return {"id": row["id"], "org_id": row["org_id"], "name": row["name"],
            "modules": sorted(row["modules"]),
            "module_labels": [permissions.MODULES[m] for m in sorted(row["modules"])]}


def create_role(uow, actor, data, org_id=None):
    org = _org_of(uow, actor, org_id)
    body = load(RoleBody(), data)
    _ensure_role_name_free(uow, org, body["name"])
    role_id = uow.session.execute(insert(roles).values(
        org_id=org, name=body["name"], modules=sorted(set(body["modules"])))
    ).inserted_primary_key[0]
    audit_trail.record(uow, actor, "role_created", "role", role_id, None,
                       {"name": body["name"], "modules": sorted(set(body["modules"]))})
    uow.commit()
    return _role_by_id(uow, actor, role_id, org_id)


def update_role(uow, actor, role_id, data, org_id=None):
    org = _org_of(uow, actor, org_id)
    current = _role_by_id(uow, actor, role_id, org_id)
    body = load(RoleBody(partial=True), data)
    if "name" in body and body["name"] != current["name"]:
        _ensure_role_name_free(uow, org, body["name"])
    values = {k: (sorted(set(v)) if k == "modules" else v) for k, v in body.items()}
    if values:
        changes = dict(values)
        if values.get("modules", current["modules"]) != current["modules"]:
            # Tokens stating the old modules stop being honoured (the gateway's grant check).
            changes["modules_changed_at"] = uow.clock.now()
        uow.session.execute(update(roles).where(roles.c.id == role_id).values(**changes))
        audit_trail.record(uow, actor, "role_changed", "role", role_id,
                           {k: current[k] for k in values}, values)
        uow.commit()
    return _role_by_id(uow, actor, role_id, org_id)


def delete_role(uow, actor, role_id, org_id=None):
    current = _role_by_id(uow, actor, role_id, org_id)
    in_use = uow.session.execute(select(func.count()).select_from(admin_grants).where(
        admin_grants.c.role_id == role_id,
        admin_grants.c.status.in_(permissions.LIVE_GRANT_STATUSES))).scalar()
    if in_use:
        raise Conflict("role_in_use", "该角色仍有管理员在使用，请先调整这些管理员的角色")
    named_by_history = uow.session.execute(select(admin_grants.c.id).where(
        admin_grants.c.role_id == role_id).limit(1)).first()
    if named_by_history:  # ended grants still name it: kept out of sight, its name free
        uow.session.execute(roles.update().where(roles.c.id == role_id)
                            .values(deleted_at=uow.clock.now()))
    else:
        uow.session.execute(roles.delete().where(roles.c.id == role_id))
    audit_trail.record(uow, actor, "role_deleted", "role", role_id,
                       {"name": current["name"], "modules": current["modules"]}, None)
    uow.commit()


def _role_by_id(uow, actor, role_id, org_id=None):
    org = _org_of(uow, actor, org_id)
    row = uow.session.execute(select(roles).where(roles.c.id == role_id, roles.c.org_id == org,
                                                  roles.c.deleted_at.is_(None))
                              ).mappings().first()
    if row is None:
        raise NotFound("role_not_found", "本单位没有该角色")
    return _role(row)


def _ensure_role_name_free(uow, org, name):
    if uow.session.execute(select(roles.c.id).where(roles.c.org_id == org, roles.c.name == name,
                                                     roles.c.deleted_at.is_(None))).first():
        raise Conflict("role_name_taken", "本单位已有同名角色",
                       fields={"name": ["本单位已有同名角色"]})


# --- admins -----------------------------------------------------------------

def list_admins(uow, actor, org_id=None):
    return _admins_of(uow, _org_of(uow, actor, org_id))


def _admins_of(uow, org):
    rows = uow.session.execute(
        select(admin_grants.c.id, admin_grants.c.user_id, admin_grants.c.is_super,
               admin_grants.c.status, admin_grants.c.granted_at, accounts.c.username,
               people.c.real_name, people.c.id_number, roles.c.name.label("role_name"))
        .select_from(admin_grants.join(accounts, accounts.c.id == admin_grants.c.user_id)
                     .join(roles, roles.c.id == admin_grants.c.role_id)
                     .outerjoin(people, people.c.user_id == admin_grants.c.user_id))
        .where(admin_grants.c.org_id == org,
               admin_grants.c.status.in_(permissions.LIVE_GRANT_STATUSES))
        .order_by(admin_grants.c.is_super.desc(), admin_grants.c.id)).mappings().all()
    # A unit an invitee has not joined learns nothing of their ID number.
    return [{"grant_id": r["id"], "user_id": r["user_id"], "username": r["username"],
             "real_name": r["real_name"],
             "id_number_masked": "" if r["status"] == "invited" else mask_id_number(r["id_number"]),
             "role_name": r["role_name"], "is_super": r["is_super"], "status": r["status"],
             "granted_at": r["granted_at"].isoformat()} for r in rows]


def add_admin(uow, actor, data, org_id=None):
    org = _org_of(uow, actor, org_id)
    body = load(AddAdminBody(), data)
    role = _role_by_id(uow, actor, body["role_id"], org_id)
    invited = False
    if body["user_id"] is not None:
        user_id = uow.session.execute(select(people.c.user_id).where(
            people.c.user_id == body["user_id"], people.c.org_id == org)).scalar()
        if user_id is None:
            raise NotFound("person_not_in_org", "本单位没有该人员",
                           fields={"user_id": ["本单位没有该人员"]})
    elif body["login_name"]:
        name = body["login_name"].strip()
        found = uow.session.execute(
            select(accounts.c.id, accounts.c.is_operator).select_from(
                accounts.outerjoin(people, people.c.user_id == accounts.c.id))
            .where((accounts.c.username == name.lower())
                   | (people.c.id_number == id_documents.normalise(name)))).first()
        if found is None:
            raise NotFound("account_not_found", "系统中没有该用户，请先注册",
                           fields={"login_name": ["系统中没有该用户"]})
        if found.is_operator:
            raise Forbidden("operator_account_protected", "平台运营账号不能设为单位管理员",
                            fields={"login_name": ["平台运营账号不能设为单位管理员"]})
        user_id = found.id
        # Someone of the unit is added at once; anyone else decides for themselves.
        invited = not governance.person_in(uow, user_id, governance.org_path(uow, org))
    elif body["new_person"]:
        user_id = _new_admin_person(uow, org, body["new_person"])
    else:
        raise InvalidInput("admin_person_required", "请指定用户名、证件号码、本单位人员或新用户信息",
                           fields={"login_name": ["请指定用户名或证件号码"]})
    existing = uow.session.execute(select(admin_grants.c.status).where(
        admin_grants.c.user_id == user_id, admin_grants.c.org_id == org,
        admin_grants.c.status.in_(permissions.LIVE_GRANT_STATUSES))).scalar()
    if existing == "invited":
        raise Conflict("already_invited", "已邀请该用户担任本单位管理员，正等待其接受")
    if existing:
        raise Conflict("already_admin", "该用户已是本单位管理员")
    grant_id = uow.session.execute(insert(admin_grants).values(
        user_id=user_id, org_id=org, role_id=role["id"], is_super=False,
        status="invited" if invited else "active", granted_at=uow.clock.now(),
        invited_by=int(actor["user_id"]) if invited else None)).inserted_primary_key[0]
    if not invited:
        uow.add_event("admin_granted", {"grant_id": grant_id, "user_id": user_id,
                                        "org_id": org, "role_name": role["name"],
                                        "modules": role["modules"], "is_super": False})
    audit_trail.record(uow, actor, "admin_invited" if invited else "admin_added",
                       "admin_grant", grant_id, None, {"user_id": user_id, "role": role["name"]})
    uow.commit()
    return _grant(uow, org, grant_id)


def _grant(uow, org, grant_id):
    found = [a for a in _admins_of(uow, org) if a["grant_id"] == grant_id]
    if not found:
        raise NotFound("admin_not_found", "本单位没有该管理员")
    return found[0] | {"org_id": org}


def set_admin_status(uow, actor, grant_id, status, org_id=None):
    """disable / enable / revoke (删除管理权限); a revoked grant is gone for good.
    Revoking ends only what this unit gave, so it reaches every admin of the unit (and
    withdraws an invitation); disabling and enabling reach only governed accounts."""
    org = _org_of(uow, actor, org_id)
    grant = _grant(uow, org, grant_id)
    if grant["user_id"] == int(actor["user_id"]):
        raise Conflict("cannot_change_self", "不能停用或删除自己的管理员权限")
    if grant["is_super"]:
        raise Conflict("super_admin_protected", "请先将其他管理员设为超级管理员")
    if status != "revoked":
        if grant["status"] == "invited":
            raise Conflict("invitation_pending", "该用户尚未接受邀请，只能撤回邀请")
        governance.require_governed(uow, _scope(uow, actor, org), grant["user_id"])
    uow.session.execute(update(admin_grants).where(admin_grants.c.id == grant_id).values(
        status=status, ended_at=None if status == "active" else uow.clock.now()))
    withdrawn = status == "revoked" and grant["status"] == "invited"
    if status == "revoked" and not withdrawn:
        uow.add_event("admin_revoked", {"grant_id": grant_id, "user_id": grant["user_id"],
                                        "org_id": grant["org_id"]})
    audit_trail.record(uow, actor, "admin_invitation_withdrawn" if withdrawn
                       else f"admin_{status}", "admin_grant", grant_id,
                       {"status": grant["status"]}, {"status": status})
    uow.commit()
    return None if status == "revoked" else _grant(uow, org, grant_id)


def make_super(uow, actor, grant_id, org_id=None):
    """设为超级管理员: the chosen admin becomes super, the old super admin stops being one."""
    org = _org_of(uow, actor, org_id)
    grant = _grant(uow, org, grant_id)
    if grant["status"] != "active":
        raise Conflict("admin_not_active", "只能将启用中的管理员设为超级管理员")
    governance.require_governed(uow, _scope(uow, actor, org), grant["user_id"])
    uow.session.execute(update(admin_grants).where(
        admin_grants.c.org_id == grant["org_id"], admin_grants.c.is_super.is_(True))
        .values(is_super=False))
    uow.session.execute(update(admin_grants).where(admin_grants.c.id == grant_id)
                        .values(is_super=True))
    audit_trail.record(uow, actor, "super_admin_set", "admin_grant", grant_id,
                       {"is_super": False}, {"is_super": True})
    uow.commit()
    return _grant(uow, org, grant_id)


def reset_target(uow, actor, grant_id, org_id=None):
    """The admin whose password a super admin resets (to the ID number's last six):
    only an account the super admin governs, as a reset hands over the account."""
    org = _org_of(uow, actor, org_id)
    grant = _grant(uow, org, grant_id)
    governance.require_governed(uow, _scope(uow, actor, org), grant["user_id"])
    id_number = uow.session.execute(select(people.c.id_number).where(
        people.c.user_id == grant["user_id"])).scalar()
    if not id_number:
        raise Conflict("no_id_number", "该管理员没有登记证件号码，无法按规则重置密码")
    return grant["user_id"], passwords.reset_password_for(id_number)


def _new_admin_person(uow, org, person):
    """新用户: an account that is not a learner, with the bulk-import initial password (the
    ID number's last six, to be changed at the first login)."""
    number = id_documents.validate("id_card", person["id_number"])
    if uow.session.execute(select(people.c.user_id).where(people.c.id_number == number)).first():
        raise Conflict("id_number_registered", "该身份证号码已是本系统用户，请按“已有用户”添加",
                       fields={"new_person.id_number": ["该身份证号码已是本系统用户"]})
    now = uow.clock.now()
    user_id = uow.session.execute(insert(accounts).values(
        username="adm" + number.lower(), password_hash=passwords.INITIAL_FROM_ID_NUMBER,
        status="active", is_learner=False, is_operator=False, must_change_password=True,
        failed_logins=0, created_at=now, updated_at=now)).inserted_primary_key[0]
    uow.session.execute(insert(people).values(
        user_id=user_id, org_id=org, real_name=person["real_name"], mobile=person["mobile"],
        email=person.get("email"), id_type="id_card", id_number=number,
        birth_date=ric.get_birth_date(number), gender=id_documents.gender_of(number),
        registered_at=now))
    return user_id


def grant_changes(uow, within):
    """For the gateway's check of admin tokens, over `within` (an access token's
    lifetime): grants that stopped being active, and active grants whose role's modules
    changed, with the modules' version now. A token naming an ended grant, or stating an
    older version of its modules, is no longer honoured."""
    since = uow.clock.now() - within
    ended = uow.session.execute(select(admin_grants.c.id).where(
        admin_grants.c.status != "active", admin_grants.c.ended_at >= since)).scalars()
    changed = uow.session.execute(
        select(admin_grants.c.id, roles.c.modules_changed_at)
        .select_from(admin_grants.join(roles, roles.c.id == admin_grants.c.role_id))
        .where(admin_grants.c.status == "active", roles.c.modules_changed_at >= since))
    return {"ended": list(ended),
            "changed": [[grant_id, modules_version(at)] for grant_id, at in changed]}
