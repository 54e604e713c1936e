"""Service layer for accounts and the people directory: registration, activation,
profile, passwords. Functions take a unit of work and plain data, return plain data."""
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from services.common.errors import Conflict, InvalidInput, Locked, NotFound
from services.common.events import aggregate_version, is_newer

from . import audit_trail, governance
from .authentication import count_wrong_password
from .domain import profile as profile_rules
from .domain import id_documents, lockout, passwords, permissions
from .domain.masking import mask_id_number, mask_mobile
from .domain.registration import check_admin_added, check_registration
from .models import accounts, orgs, people, refresh_tokens

# People register under employers and their internal departments.
REGISTRABLE_ORG_TYPES = ("employer", "internal_dept")
PROFILE_FIELDS = ("org_id", "real_name", "mobile", "email", "id_type", "id_number", "birth_date",
                  "gender", "ethnicity", "title_status", "title_level", "professional_title",
                  "title_date", "education", "political_status")


def register(uow, hasher, data):
    clean = check_registration(data)
    # The KDF runs before the transaction starts, so no connection waits on it.
    password_hash = hasher.hash(clean.pop("password"))
    org = registrable_org(uow, clean["org_id"])
    result = create_person(uow, clean, password_hash, must_change=False)
    uow.commit()
    return result | {"org": {"id": org["id"], "name": org["name"],
                             "review_members": org["review_members"]}}


def add_by_admin(uow, hasher, actor, data):
    """学员管理 › 添加: an admin adds a person to an org of their jurisdiction; the
    membership is approved by that admin (no second review)."""
    scope = permissions.require_module(actor, "learner_management")
    clean = check_admin_added(data)
    password_hash = hasher.hash(passwords.reset_password_for(clean["id_number"]))
    org = registrable_org(uow, clean["org_id"])
    if scope is not None and not permissions.in_jurisdiction(scope, org["path"]):
        raise NotFound("org_not_in_jurisdiction", "所选组织机构不在您的管辖范围内",
                       fields={"org_id": ["不在您的管辖范围内"]})
    result = create_person(uow, clean, password_hash, must_change=True,
                           added_by=int(actor["user_id"]))
    audit_trail.record(uow, actor, "learner_added", "user", result["user_id"], None,
                       {"org_id": clean["org_id"], "real_name": clean["real_name"]})
    uow.commit()
    return result


def registrable_org(uow, org_id):
    org = uow.session.execute(select(orgs).where(orgs.c.id == org_id)).mappings().first()
    if org is None or org["status"] != "approved":
        raise InvalidInput("org_not_found", "所选组织机构不存在或未通过审核",
                           fields={"org_id": ["所选组织机构不存在或未通过审核"]})
    if org["type"] not in REGISTRABLE_ORG_TYPES:
        raise InvalidInput("org_not_registrable", "专业技术人员须注册在用人单位下，请重新选择",
                           fields={"org_id": ["请选择用人单位"]})
    return org


def create_person(uow, clean, password_hash, must_change, added_by=None):
    """Account + person + user_registered, in the caller's transaction (not committed)."""
    clean = dict(clean)
    _ensure_unique(uow, clean["username"], clean["id_number"])
    now = uow.clock.now()
    username = clean.pop("username")
    try:
        with uow.session.begin_nested():  # a clash rolls back this person only
            user_id = uow.session.execute(insert(accounts).values(
                username=username, password_hash=password_hash, status="pending_review",
                is_learner=True, is_operator=False, must_change_password=must_change,
                failed_logins=0, password_changed_at=now, created_at=now, updated_at=now)
            ).inserted_primary_key[0]
            uow.session.execute(insert(people).values(user_id=user_id, registered_at=now,
                                                      **clean))
    except IntegrityError:
        # Another registration with the same username or ID number committed first.
        _ensure_unique(uow, username, clean["id_number"])
        raise Conflict("already_registered", "该用户名或证件号码已被注册") from None
    uow.add_event("user_registered", {
        "user_id": user_id, "username": username, "org_id": clean["org_id"],
        "real_name": clean["real_name"], "id_type": clean["id_type"],
        "id_number_masked": mask_id_number(clean["id_number"]),
        "gender": clean["gender"], "birth_date": clean["birth_date"],
        "title_level": clean.get("title_level"),
        "professional_title": clean.get("professional_title"), "registered_at": now,
        "added_by": added_by, "mobile_masked": mask_mobile(clean.get("mobile") or ""),
        "education": clean.get("education")})
    return {"user_id": user_id, "username": username, "status": "pending_review"}


def _ensure_unique(uow, username, id_number):
    taken = uow.session.execute(
        select(func.count()).select_from(accounts).where(accounts.c.username == username)
    ).scalar()
    if taken:
        raise Conflict("username_taken", "该用户名已被注册，请换一个",
                       fields={"username": ["该用户名已被注册"]})
    taken = uow.session.execute(
        select(func.count()).select_from(people).where(people.c.id_number == id_number)
    ).scalar()
    if taken:
        raise Conflict("id_number_registered", "该证件号码已注册，请直接登录或找回密码",
                       fields={"id_number": ["该证件号码已注册"]})


def apply_membership(uow, user_id, org_id, status, envelope):
    """orgtree decided where a person belongs and whether they are in (approved,
    rejected, transferred): taken only if newer than the last such decision applied, so
    a late approval cannot undo a transfer. An approved person may log in; an account an
    admin disabled stays disabled."""
    row = uow.session.execute(
        select(accounts.c.status, accounts.c.membership_version)
        .where(accounts.c.id == user_id)).first()
    if row is None or not is_newer(envelope, row.membership_version):
        return False
    values = {"membership_version": aggregate_version(envelope), "updated_at": uow.clock.now()}
    if row.status not in (status, "disabled"):
        values["status"] = status
    uow.session.execute(update(accounts).where(accounts.c.id == user_id).values(**values))
    uow.session.execute(update(people).where(people.c.user_id == user_id,
                                             people.c.org_id != org_id).values(org_id=org_id))
    if values.get("status") == "active":
        uow.add_event("user_activated", {"user_id": user_id, "org_id": org_id})
    return True


STATUS_LABELS = {"pending_review": "待审核", "active": "审核通过", "rejected": "审核未通过",
                 "disabled": "已停用"}


def _registration(uow, real_name, id_number):
    row = uow.session.execute(
        select(accounts.c.id, accounts.c.status, accounts.c.password_hash,
               accounts.c.is_learner, people.c.org_id,
               people.c.registered_at, people.c.id_number, orgs.c.name.label("org_name"))
        .select_from(people.join(accounts, accounts.c.id == people.c.user_id)
                     .outerjoin(orgs, orgs.c.id == people.c.org_id))
        .where(people.c.id_number == id_documents.normalise(id_number),
               people.c.real_name == (real_name or "").strip())).mappings().first()
    if row is None:
        raise NotFound("registration_not_found", "未查到与该姓名和证件号码一致的注册信息")
    return row


def registration_status(uow, real_name, id_number):
    """注册审核进度查询: by name + ID number, naming the org that reviews. An account made
    for a unit's registration has no personal registration of its own: its units'
    registrations are added by the caller (orgtree owns them)."""
    row = _registration(uow, real_name, id_number)
    if not row["is_learner"]:
        return {"user_id": row["id"], "status": None, "status_label": None,
                "reviewing_org": None, "registered_at": None, "can_withdraw": False}
    return {"user_id": row["id"], "status": row["status"],
            "status_label": STATUS_LABELS.get(row["status"]),
            "reviewing_org": row["org_name"], "registered_at": row["registered_at"].isoformat(),
            "can_withdraw": row["status"] == "pending_review"}


def registrant(uow, hasher, real_name, id_number, password):
    """The user id behind name + ID number, once the password proves it is them."""
    row = _registration(uow, real_name, id_number)
    check_password_counted(uow, hasher, row["id"], password)
    return row["id"]


def check_password_counted(uow, hasher, user_id, password, field="password"):
    """A password check outside the login form (withdrawing a registration, naming oneself
    as a unit's applicant) counts towards the same lock as the login, so these doors
    cannot be used to guess a password either."""
    row = uow.session.execute(
        select(accounts.c.password_hash, accounts.c.failed_logins, accounts.c.locked_until,
               people.c.id_number)
        .select_from(accounts.outerjoin(people, people.c.user_id == accounts.c.id))
        .where(accounts.c.id == user_id)).mappings().first()
    now = uow.clock.now()
    if lockout.locked_until(row, now):
        raise Locked("account_locked", "密码错误次数过多，账号已锁定，请15分钟后再试")
    if passwords.matches(hasher, row["password_hash"], password, row["id_number"]):
        return
    count_wrong_password(uow, user_id)
    uow.commit()
    raise InvalidInput("password_wrong", "密码不正确", fields={field: ["密码不正确"]})


def withdraw_registration(uow, hasher, real_name, id_number, password):
    """撤回申请: a pending registration is taken back by its owner (password proves it),
    freeing the username and ID number for a new registration."""
    row = _registration(uow, real_name, id_number)
    registrant(uow, hasher, real_name, id_number, password)
    if not row["is_learner"] or row["status"] != "pending_review":
        raise Conflict("registration_decided", "注册申请已审核，不能撤回")
    uow.session.execute(people.delete().where(people.c.user_id == row["id"]))
    uow.session.execute(accounts.delete().where(accounts.c.id == row["id"],
                                                accounts.c.status == "pending_review"))
    uow.add_event("user_withdrawn", {"user_id": row["id"], "org_id": row["org_id"]})
    uow.commit()
    return {"withdrawn": True}


def get_profile(uow, user_id):
    row = uow.session.execute(
        select(accounts.c.id, accounts.c.username, accounts.c.status,
               accounts.c.must_change_password, accounts.c.created_at, people,
               orgs.c.name.label("org_name"))
        .select_from(accounts.outerjoin(people, people.c.user_id == accounts.c.id)
                     .outerjoin(orgs, orgs.c.id == people.c.org_id))
        .where(accounts.c.id == user_id)).mappings().first()
    if row is None:
        raise NotFound("account_not_found", "账号不存在")
    result = {"user_id": row["id"], "username": row["username"], "status": row["status"],
              "must_change_password": row["must_change_password"],
              "org_name": row["org_name"]}
    for name in PROFILE_FIELDS:
        value = row[name]
        result[name] = value.isoformat() if hasattr(value, "isoformat") else value
    # The owner sees their own document number, as on seed figure 8.1.
    result["id_number_masked"] = mask_id_number(row["id_number"] or "")
    result["mobile_masked"] = mask_mobile(row["mobile"] or "")
    return result


def update_profile(uow, user_id, changes):
    current = uow.session.execute(select(people).where(people.c.user_id == user_id)
                                  ).mappings().first()
    if current is None:
        raise NotFound("profile_not_found", "个人资料不存在")
    comparable = {k: (v.isoformat() if hasattr(v, "isoformat") else v)
                  for k, v in current.items()}
    clean = profile_rules.check_changes(comparable, changes)
    if clean:
        uow.session.execute(update(people).where(people.c.user_id == user_id).values(**clean))
        uow.session.execute(update(accounts).where(accounts.c.id == user_id)
                            .values(updated_at=uow.clock.now()))
        announce_update(uow, user_id, {k: (v.isoformat() if hasattr(v, "isoformat") else v)
                                       for k, v in clean.items()
                                       if k not in ("mobile", "email")})
        uow.commit()
    return get_profile(uow, user_id)


def announce_update(uow, user_id, changes):
    """user_updated: what changed, and the person's current name, masked number and
    mobile, and education (the reports' columns)."""
    row = uow.session.execute(select(people.c.real_name, people.c.id_number, people.c.mobile,
                                     people.c.education)
                              .where(people.c.user_id == user_id)).one()
    uow.add_event("user_updated", {"user_id": user_id, "changes": changes,
                                   "real_name": row.real_name,
                                   "id_number_masked": mask_id_number(row.id_number),
                                   "mobile_masked": mask_mobile(row.mobile or ""),
                                   "education": row.education})


def load_for_password_change(uow, user_id):
    row = uow.session.execute(
        select(accounts.c.password_hash, accounts.c.username, people.c.id_number)
        .select_from(accounts.outerjoin(people, people.c.user_id == accounts.c.id))
        .where(accounts.c.id == user_id)).first()
    if row is None:
        raise NotFound("account_not_found", "账号不存在")
    return row


def check_new_password(hasher, row, old_password, new_password, confirm):
    if not passwords.matches(hasher, row.password_hash, old_password, row.id_number):
        raise InvalidInput("old_password_wrong", "原密码不正确",
                           fields={"old_password": ["原密码不正确"]})
    passwords.check_policy(new_password, field="new_password", username=row.username)
    if new_password != confirm:
        raise InvalidInput("password_mismatch", "两次输入的新密码不一致",
                           fields={"new_password_confirm": ["两次输入的新密码不一致"]})
    if new_password == old_password:
        raise InvalidInput("password_unchanged", "新密码不能与原密码相同",
                           fields={"new_password": ["新密码不能与原密码相同"]})


def store_password(uow, user_id, password_hash, must_change):
    now = uow.clock.now()
    uow.session.execute(update(accounts).where(accounts.c.id == user_id).values(
        password_hash=password_hash, must_change_password=must_change, failed_logins=0,
        locked_until=None, password_changed_at=now, updated_at=now))
    # Every session of the account ends: old refresh tokens stop working.
    uow.session.execute(update(refresh_tokens).where(
        refresh_tokens.c.user_id == user_id, refresh_tokens.c.revoked_at.is_(None)
    ).values(revoked_at=now))


def target_for_reset(uow, actor, user_id):
    """The learner an admin may reset: inside the admin's jurisdiction, or NotFound
    (an admin learns nothing about people outside it); and only an account the admin
    governs: a person who is an admin outside the jurisdiction is reset by nobody here,
    and an admin of the admin's own unit only by its super admin."""
    scope = permissions.require_module(actor, "learner_management")
    row = uow.session.execute(
        select(people.c.user_id, people.c.id_number, orgs.c.path)
        .select_from(people.outerjoin(orgs, orgs.c.id == people.c.org_id))
        .where(people.c.user_id == user_id)).first()
    if row is None or (scope is not None and not permissions.in_jurisdiction(scope, row.path)):
        raise NotFound("learner_not_found", "在您的管辖范围内未找到该人员")
    governance.require_governed(
        uow, scope, row.user_id,
        own_org_grants=governance.live_super_org(uow, actor) is not None)
    return row
