"""Service layer for logging in and out: who may log in as what, lockout, audit, tokens."""
from datetime import timedelta, timezone

from sqlalchemy import insert, or_, select, update

from services.common.clock import as_utc
from services.common.errors import Forbidden, InvalidInput, Locked, Unauthenticated

from . import captcha_store
from .domain import id_documents, lockout, passwords, permissions
from .domain.login_failures import (DISABLED, LOCKED, NO_ACCOUNT, PENDING, REJECTED,
                                    WRONG_PASSWORD, WRONG_ROLE)
from .models import accounts, admin_grants, login_audit, orgs, people, refresh_tokens, roles
from .tokens import (ACCESS_TTL, REFRESH_TTL, hash_refresh_token, modules_version,
                     new_refresh_token)

BEIJING = timezone(timedelta(hours=8))


def login(uow_factory, hasher, issuer, captcha_required, data, client):
    """The whole login: captcha (single use), account, lock, password (the KDF outside
    any transaction), role and status, then tokens. Each failure is audited and told."""
    role = data.get("role") or "learner"
    login_name = data.get("username") or ""
    if role not in permissions.ROLES:
        raise InvalidInput("role_invalid", "登录角色不正确", fields={"role": ["登录角色不正确"]})
    if captcha_required:
        with uow_factory() as uow:
            try:
                captcha_store.consume(uow, data.get("captcha_id"), data.get("captcha_answer"))
            except InvalidInput as exc:
                audit(uow, login_name, role, exc.code, client=client)
                uow.commit()
                raise
    with uow_factory() as uow:
        account = find_account(uow, login_name)
        if account is None:
            fail(uow, login_name, role, NO_ACCOUNT, client=client,
                 extra={"register_url": "/#/register"})
        check_not_locked(uow, account, login_name, role, client)
    password_ok = passwords.matches(hasher, account["password_hash"], data.get("password"),
                                    account["id_number"])
    with uow_factory() as uow:
        account = find_account(uow, login_name)
        check_not_locked(uow, account, login_name, role, client)
        if not password_ok:
            record_wrong_password(uow, account, login_name, role, client)
        grant = check_role_and_status(uow, account, role, login_name, client,
                                      org_id=data.get("org_id"))
        return succeed(uow, issuer, account, role, grant, login_name, client)


def find_account(uow, login_name):
    """A username or an ID number, as the login box accepts either."""
    name = (login_name or "").strip()
    query = select(accounts, people.c.org_id, people.c.real_name, people.c.id_number).select_from(
        accounts.outerjoin(people, people.c.user_id == accounts.c.id))
    if id_documents.looks_like_id_number(name):
        query = query.where(or_(people.c.id_number == id_documents.normalise(name),
                                accounts.c.username == name.lower()))
    else:
        query = query.where(accounts.c.username == name.lower())
    return uow.session.execute(query).mappings().first()


def audit(uow, login_name, role, outcome, user_id=None, client=None):
    client = client or {}
    uow.session.execute(insert(login_audit).values(
        at=uow.clock.now(), login_name=(login_name or "")[:64], user_id=user_id, role=role,
        outcome=outcome, ip=(client.get("ip") or "")[:64] or None,
        user_agent=(client.get("user_agent") or "")[:500] or None))


def fail(uow, login_name, role, code_and_message, error_cls=Unauthenticated, user_id=None,
         client=None, extra=None, **fmt):
    """Audit the failure, commit, then raise it."""
    audit(uow, login_name, role, code_and_message[0], user_id, client)
    uow.commit()
    raise error_cls(code_and_message[0], code_and_message[1].format(**fmt), extra=extra)


def check_not_locked(uow, account, login_name, role, client):
    until = lockout.locked_until(account, uow.clock.now())
    if until:
        fail(uow, login_name, role, LOCKED, Locked, account["id"], client,
             extra={"locked_until": until.isoformat()},
             until=until.astimezone(BEIJING).strftime("%H:%M"))


def count_wrong_password(uow, user_id):
    """One more wrong password: (failures so far, lock end or None). Counted in the
    database, not in Python, so concurrent wrong attempts all count."""
    failed = uow.session.execute(
        update(accounts).where(accounts.c.id == user_id)
        .values(failed_logins=accounts.c.failed_logins + 1)
        .returning(accounts.c.failed_logins)).scalar()
    remaining, until = lockout.after_failure(failed - 1, uow.clock.now())
    if until:
        uow.session.execute(update(accounts).where(accounts.c.id == user_id)
                            .values(failed_logins=remaining, locked_until=until))
    return failed, until


def record_wrong_password(uow, account, login_name, role, client):
    failed, until = count_wrong_password(uow, account["id"])
    if until:
        fail(uow, login_name, role, LOCKED, Locked, account["id"], client,
             extra={"locked_until": until.isoformat()},
             until=until.astimezone(BEIJING).strftime("%H:%M"))
    fail(uow, login_name, role, WRONG_PASSWORD, Unauthenticated, account["id"], client,
         left=lockout.MAX_FAILURES - failed)


def _grant_query():
    return (select(admin_grants.c.id, admin_grants.c.org_id, admin_grants.c.is_super,
                   roles.c.name.label("role_name"), roles.c.modules,
                   roles.c.modules_changed_at, orgs.c.path,
                   orgs.c.name.label("org_name"))
            .select_from(admin_grants.join(roles, roles.c.id == admin_grants.c.role_id)
                         .outerjoin(orgs, orgs.c.id == admin_grants.c.org_id))
            .where(admin_grants.c.status == "active"))


def active_grant(uow, user_id, org_id=None):
    query = _grant_query().where(admin_grants.c.user_id == user_id).order_by(admin_grants.c.id)
    if org_id is not None:
        query = query.where(admin_grants.c.org_id == org_id)
    return uow.session.execute(query).mappings().first()


def check_role_and_status(uow, account, role, login_name, client, org_id=None):
    """Returns the admin grant for role=admin; raises the failure a person is told."""
    grant = None
    if role == "learner":
        allowed = account["is_learner"]
    elif role == "operator":
        allowed = account["is_operator"]
    else:
        grant = active_grant(uow, account["id"], org_id)
        allowed = grant is not None
    if not allowed:
        fail(uow, login_name, role, WRONG_ROLE, Forbidden, account["id"], client,
             extra={"registered_roles": registered_roles(uow, account)})
    if account["status"] == "disabled":
        fail(uow, login_name, role, DISABLED, Forbidden, account["id"], client)
    if role == "learner" and account["status"] == "pending_review":
        org = uow.session.execute(select(orgs.c.id, orgs.c.name)
                                  .where(orgs.c.id == account["org_id"])).first()
        org_name = org.name if org else "所选单位"
        fail(uow, login_name, role, PENDING, Forbidden, account["id"], client,
             extra={"reviewing_org": {"id": account["org_id"], "name": org_name}},
             org=org_name)
    if role == "learner" and account["status"] == "rejected":
        fail(uow, login_name, role, REJECTED, Forbidden, account["id"], client)
    return grant


def registered_roles(uow, account):
    found = []
    if account["is_learner"]:
        found.append("learner")
    if active_grant(uow, account["id"]) is not None:
        found.append("admin")
    if account["is_operator"]:
        found.append("operator")
    return found


def claims_for(uow, account, role, grant):
    if role == "admin":
        org_id, org_path = grant["org_id"], grant["path"]
        modules = sorted(grant["modules"])
    else:
        org_id = account["org_id"]
        org_path = uow.session.execute(select(orgs.c.path).where(orgs.c.id == org_id)
                                       ).scalar() if org_id else None
        modules = []
    claims = {"sub": str(account["id"]), "role": role, "username": account["username"],
              "real_name": account["real_name"], "org_id": org_id, "org_path": org_path,
              "modules": modules, "mcp": bool(account["must_change_password"])}
    if grant is not None:
        claims.update(grant_id=grant["id"], super=bool(grant["is_super"]),
                      role_name=grant["role_name"],
                      mv=modules_version(grant["modules_changed_at"]))
    return claims


def succeed(uow, issuer, account, role, grant, login_name, client):
    now = uow.clock.now()
    uow.session.execute(update(accounts).where(accounts.c.id == account["id"])
                        .values(failed_logins=0, locked_until=None))
    audit(uow, login_name, role, "success", account["id"], client)
    tokens = issue_tokens(uow, issuer, account, role, grant, now)
    uow.commit()
    return tokens


def issue_tokens(uow, issuer, account, role, grant, now):
    claims = claims_for(uow, account, role, grant)
    refresh, refresh_hash = new_refresh_token()
    uow.session.execute(insert(refresh_tokens).values(
        token_hash=refresh_hash, user_id=account["id"], role=role,
        grant_id=grant["id"] if grant else None, issued_at=now,
        expires_at=now + REFRESH_TTL))
    return {"access_token": issuer.access_token(claims, now), "refresh_token": refresh,
            "token_type": "Bearer", "expires_in": int(ACCESS_TTL.total_seconds()),
            "must_change_password": claims["mcp"],
            "user": {k: claims[k] for k in ("role", "username", "real_name", "org_id")}
            | {"user_id": account["id"]}}


def refresh(uow, issuer, token):
    now = uow.clock.now()
    row = uow.session.execute(select(refresh_tokens).where(
        refresh_tokens.c.token_hash == hash_refresh_token(token or ""))).mappings().first()
    if row is None or as_utc(row["expires_at"]) < now:
        raise Unauthenticated("refresh_token_invalid", "登录已过期，请重新登录")
    if row["revoked_at"] is not None:
        # A revoked token used again means it leaked: end every session of the account.
        uow.session.execute(update(refresh_tokens).where(
            refresh_tokens.c.user_id == row["user_id"], refresh_tokens.c.revoked_at.is_(None)
        ).values(revoked_at=now))
        uow.commit()
        raise Unauthenticated("refresh_token_reused", "登录凭证已失效，请重新登录")
    account = uow.session.execute(
        select(accounts, people.c.org_id, people.c.real_name).select_from(
            accounts.outerjoin(people, people.c.user_id == accounts.c.id))
        .where(accounts.c.id == row["user_id"])).mappings().first()
    grant = None
    if row["role"] == "admin":
        grant = uow.session.execute(
            _grant_query().where(admin_grants.c.id == row["grant_id"])).mappings().first()
    usable = account is not None and account["status"] != "disabled" and (
        row["role"] != "admin" or grant is not None)
    uow.session.execute(update(refresh_tokens).where(refresh_tokens.c.id == row["id"])
                        .values(revoked_at=now))
    if not usable:
        uow.commit()
        raise Unauthenticated("refresh_token_invalid", "登录已过期，请重新登录")
    tokens = issue_tokens(uow, issuer, account, row["role"], grant, now)
    uow.commit()
    return tokens


def logout(uow, token):
    uow.session.execute(update(refresh_tokens).where(
        refresh_tokens.c.token_hash == hash_refresh_token(token or ""),
        refresh_tokens.c.revoked_at.is_(None)).values(revoked_at=uow.clock.now()))
    uow.commit()
