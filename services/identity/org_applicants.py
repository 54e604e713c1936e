"""The applicant account of a unit's registration (申请人账户): an existing user proves
who they are with ID number and password, or a new account is made for the applicant
(pending, like the unit). When the unit is approved its applicant becomes the unit's super
admin; when it is rejected or withdrawn, an account made only for it goes too."""
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from stdnum.cn import ric

from services.common.errors import Conflict, InvalidInput
from services.common.schema import load

from .accounts import check_password_counted
from .contracts import Applicant
from .domain import id_documents, passwords, permissions
from .models import accounts, admin_grants, people, roles


def _field_error(field, code, message):
    return InvalidInput(code, message, fields={f"applicant.{field}": [message]})


def check(data):
    """The applicant's fields, before any password hashing or writing."""
    clean = load(Applicant(), data or {})
    try:
        clean["id_number"] = id_documents.validate("id_card", clean["id_number"])
    except InvalidInput:
        raise _field_error("id_number", "id_number_invalid", "身份证号码不正确") from None
    if clean["existing"]:
        return clean
    for name, label in (("real_name", "真实姓名"), ("mobile", "手机号码")):
        if not clean.get(name):
            raise _field_error(name, "validation_failed", f"请填写{label}")
    try:
        passwords.check_policy(clean["password"])
    except InvalidInput as err:
        raise _field_error("password", err.code, err.detail) from None
    if clean["password"] != clean.get("password_confirm"):
        raise _field_error("password_confirm", "password_mismatch", "两次输入的密码不一致")
    return clean


def existing_account(uow, hasher, clean):
    """已是本系统用户: ID number + password, the lockout counting as at login."""
    row = uow.session.execute(
        select(accounts.c.id, accounts.c.username, accounts.c.status)
        .select_from(accounts.join(people, people.c.user_id == accounts.c.id))
        .where(people.c.id_number == clean["id_number"])).mappings().first()
    if row is None:
        raise _field_error("id_number", "account_not_found", "系统中没有该身份证号码的用户，请选择“非本系统用户”")
    check_password_counted(uow, hasher, row["id"], clean["password"], field="applicant.password")
    if row["status"] != "active":
        raise Conflict("account_not_active", "该账号尚未审核通过或已停用，不能作为申请人")
    return {"user_id": row["id"], "username": row["username"], "created": False}


def new_account(uow, password_hash, org_id, clean):
    """非本系统用户: an account that logs in with its ID number, pending with the unit."""
    number = clean["id_number"]
    now = uow.clock.now()
    username = "org" + number.lower()
    taken = uow.session.execute(select(func.count()).select_from(people)
                                .where(people.c.id_number == number)).scalar()
    if taken:
        raise _field_error("id_number", "id_number_registered",
                           "该身份证号码已是本系统用户，请选择“已是本系统用户”")
    try:
        with uow.session.begin_nested():
            user_id = uow.session.execute(insert(accounts).values(
                username=username, password_hash=password_hash, status="pending_review",
                is_learner=False, is_operator=False, must_change_password=False,
                failed_logins=0, password_changed_at=now, created_at=now, updated_at=now)
            ).inserted_primary_key[0]
            uow.session.execute(insert(people).values(
                user_id=user_id, org_id=org_id, real_name=clean["real_name"],
                mobile=clean["mobile"], email=clean.get("email"), id_type="id_card",
                id_number=number, birth_date=ric.get_birth_date(number),
                gender=id_documents.gender_of(number), registered_at=now))
    except IntegrityError:
        raise _field_error("id_number", "id_number_registered",
                           "该身份证号码已是本系统用户，请选择“已是本系统用户”") from None
    return {"user_id": user_id, "username": username, "created": True}


def discard(uow, user_id):
    """The unit's registration did not happen after all: remove an account made for it
    that never became anything else."""
    row = uow.session.execute(select(accounts.c.status, accounts.c.is_learner)
                              .where(accounts.c.id == user_id)).first()
    if row is None or row.is_learner or row.status != "pending_review":
        return False
    if uow.session.execute(select(admin_grants.c.id).where(admin_grants.c.user_id == user_id)
                           ).first():
        return False
    uow.session.execute(people.delete().where(people.c.user_id == user_id))
    uow.session.execute(accounts.delete().where(accounts.c.id == user_id))
    return True


def on_org_approved(uow, payload):
    """The applicant becomes the new unit's super admin, with every module."""
    user_id = payload.get("applicant_user_id")
    if not user_id:
        return
    org_id = payload["org_id"]
    if uow.session.execute(select(admin_grants.c.id).where(
            admin_grants.c.user_id == user_id, admin_grants.c.org_id == org_id)).first():
        return
    modules = sorted(permissions.MODULES)
    role_id = uow.session.execute(select(roles.c.id).where(
        roles.c.org_id == org_id, roles.c.name == permissions.SUPER_ADMIN_ROLE,
        roles.c.deleted_at.is_(None))).scalar()
    if role_id is None:
        role_id = uow.session.execute(insert(roles).values(
            org_id=org_id, name=permissions.SUPER_ADMIN_ROLE, modules=modules)
        ).inserted_primary_key[0]
    grant_id = uow.session.execute(insert(admin_grants).values(
        user_id=user_id, org_id=org_id, role_id=role_id, is_super=True, status="active",
        granted_at=uow.clock.now())).inserted_primary_key[0]
    uow.session.execute(update(accounts).where(accounts.c.id == user_id,
                                               accounts.c.status == "pending_review")
                        .values(status="active", updated_at=uow.clock.now()))
    uow.add_event("admin_granted", {"grant_id": grant_id, "user_id": user_id, "org_id": org_id,
                                    "role_name": permissions.SUPER_ADMIN_ROLE,
                                    "modules": modules, "is_super": True})


def on_org_refused(uow, payload):
    """Rejected or withdrawn: an account made only for this registration is removed."""
    if payload.get("applicant_user_id"):
        discard(uow, payload["applicant_user_id"])

