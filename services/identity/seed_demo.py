"""Demo operator, admins and learners.   python -m services.identity.seed_demo
Runs after orgtree's demo tree exists and the services are up: org ids are looked up by
RPC (identity never reads orgtree's database), and learners register through the same
code path as everyone, so their memberships follow by events."""
import time

from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import func, insert, select

from services.common.errors import Conflict
from services.common.scripting import UnitOfWorkFactory
from services.common.settings import amqp_uri

from . import accounts
from stdnum.cn import ric

from .domain import id_documents, passwords, permissions
from .models import accounts as accounts_table, admin_grants, inbox, orgs, outbox, people, roles

ADMIN_PASSWORD = "Admin@2026"
OPERATOR = ("operator", "Operator@2026")
ADMINS = [
    # username, real name, ID number, org name, role, modules
    ("hrss_admin", "王立新", "120101197805120036", "天津市人力资源和社会保障局",
     permissions.SUPER_ADMIN_ROLE, list(permissions.MODULES)),
    ("health_admin", "李秀英", "120103198203150024", "天津市卫生健康委员会",
     permissions.SUPER_ADMIN_ROLE, list(permissions.MODULES)),
    ("jiangong_admin", "赵建国", "120104198511230014", "天津建工集团有限公司",
     "人员管理员", ["learner_management", "account_review", "statistics"]),
]
LEARNERS = [
    # username, password, real name, ID number, mobile, org name
    ("zhangwei", "Learner@2026", "张伟", "120102199001011235", "13802001001", "天津市第一中心医院"),
    ("liuyang", "Learner@2026", "刘洋", "120105199203040025", "13802001002", "天津建工集团有限公司"),
]


def org_ids_by_name(names):
    """Ask orgtree for the ids, then wait until identity's own copy has them (events)."""
    with ClusterRpcProxy({"AMQP_URI": amqp_uri()}, timeout=10) as rpc:
        found = {}
        for name in names:
            items = rpc.orgtree.picker(None, name)["items"]
            found[name] = next(i["id"] for i in items if i["name"] == name)
    return found


def wait_for_org_copy(make_uow, ids, wait_seconds=60):
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        with make_uow() as uow:
            have = uow.session.execute(select(func.count()).select_from(orgs)
                                       .where(orgs.c.id.in_(ids))).scalar()
        if have == len(ids):
            return
        time.sleep(0.5)
    raise SystemExit("identity has not received the org tree's events; is it running?")


def seed(make_uow, hasher):
    names = {a[3] for a in ADMINS} | {learner[5] for learner in LEARNERS}
    ids = org_ids_by_name(names)
    wait_for_org_copy(make_uow, set(ids.values()))
    created = seed_staff(make_uow, hasher, ids)
    for username, password, real_name, id_number, mobile, org_name in LEARNERS:
        with make_uow() as uow:
            try:
                accounts.register(uow, hasher, {
                    "username": username, "password": password, "password_confirm": password,
                    "org_id": ids[org_name], "real_name": real_name, "mobile": mobile,
                    "id_type": "id_card", "id_number": id_number,
                    "birth_date": _birth(id_number).isoformat(), "gender": _gender(id_number),
                    "ethnicity": "汉族", "title_status": "已取得", "title_level": "中级",
                    "professional_title": "主治医师", "education": "大学本科",
                    "political_status": "群众"})
                created = True
            except Conflict:
                pass  # seeded before
    return created


def seed_staff(make_uow, hasher, ids):
    with make_uow() as uow:
        if uow.session.execute(select(func.count()).select_from(accounts_table)
                               .where(accounts_table.c.is_operator)).scalar():
            return False
        now = uow.clock.now()
        uow.session.execute(insert(accounts_table).values(
            username=OPERATOR[0], password_hash=hasher.hash(OPERATOR[1]), status="active",
            is_learner=False, is_operator=True, must_change_password=False, failed_logins=0,
            created_at=now, updated_at=now))
        for username, real_name, id_number, org_name, role_name, modules in ADMINS:
            org_id = ids[org_name]
            user_id = uow.session.execute(insert(accounts_table).values(
                username=username, password_hash=hasher.hash(ADMIN_PASSWORD), status="active",
                is_learner=False, is_operator=False, must_change_password=False,
                failed_logins=0, created_at=now, updated_at=now)).inserted_primary_key[0]
            uow.session.execute(insert(people).values(
                user_id=user_id, org_id=org_id, real_name=real_name, mobile="13900000000",
                id_type="id_card", id_number=id_number,
                birth_date=_birth(id_number), gender=_gender(id_number),
                title_status="已取得", title_level="副高级", professional_title="高级经济师",
                registered_at=now))
            role_id = uow.session.execute(insert(roles).values(
                org_id=org_id, name=role_name, modules=modules)).inserted_primary_key[0]
            grant_id = uow.session.execute(insert(admin_grants).values(
                user_id=user_id, org_id=org_id, role_id=role_id,
                is_super=role_name == permissions.SUPER_ADMIN_ROLE, status="active",
                granted_at=now)).inserted_primary_key[0]
            uow.add_event("admin_granted", {
                "grant_id": grant_id, "user_id": user_id, "org_id": org_id,
                "role_name": role_name, "modules": modules,
                "is_super": role_name == permissions.SUPER_ADMIN_ROLE})
        uow.commit()
    return True


def _birth(id_number):
    return ric.get_birth_date(id_number)


def _gender(id_number):
    return id_documents.gender_of(id_number)


if __name__ == "__main__":
    created = seed(UnitOfWorkFactory("identity", outbox, inbox), passwords.Hasher())
    print("identity demo accounts", "created" if created else "already present")
