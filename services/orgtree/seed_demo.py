"""The demo tree: a city HR bureau, two supervising departments, employers that admit
people at once (Tianjin) and employers that review them (Henan), an internal department
and a training institution.   python -m services.orgtree.seed_demo"""
from sqlalchemy import func, select

from services.common.scripting import UnitOfWorkFactory

from . import tree
from .models import inbox, org_units, outbox

# (name, type, review_members, children)
DEMO_TREE = [
    ("天津市人力资源和社会保障局", "hr_bureau", False, [
        ("天津市卫生健康委员会", "supervising_dept", False, [
            ("天津市第一中心医院", "employer", False, [
                ("心内科", "internal_dept", False, []),
            ]),
            ("天津医科大学总医院", "employer", True, []),
        ]),
        ("天津市住房和城乡建设委员会", "supervising_dept", False, [
            ("天津建工集团有限公司", "employer", True, []),
            ("天津市市政工程设计研究总院", "employer", False, []),
        ]),
        ("天津市专业技术人员继续教育基地", "training_institution", False, []),
    ]),
]


def seed(make_uow):
    with make_uow() as uow:
        if uow.session.execute(select(func.count()).select_from(org_units)).scalar():
            return False

        def add(nodes, parent_id):
            for name, org_type, review, children in nodes:
                org_id = tree.add_org(uow, name, org_type, parent_id, review_members=review)
                add(children, org_id)

        add(DEMO_TREE, None)
        uow.commit()
    return True


if __name__ == "__main__":
    created = seed(UnitOfWorkFactory("orgtree", outbox, inbox))
    print("orgtree demo tree", "created" if created else "already present")
