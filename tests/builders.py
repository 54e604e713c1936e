"""Valid test data, with every default overridable."""
import itertools
import random

from stdnum.cn import ric

from services.common.clock import Clock
from services.common.events import make_envelope

_serial = itertools.count(100)


def citizen_id(birth="19900101", male=True, region="120101"):
    """A citizen ID number with a correct GB 11643 check digit."""
    # Odd sequence digits are men's, even women's; 500 distinct numbers per sex and date.
    seq_digits = f"{(2 * (next(_serial) % 500) + (1 if male else 0)):03d}"
    body = region + birth + seq_digits
    return body + ric.calc_check_digit(body + "0")


def registration(org_id, **overrides):
    n = random.randint(100000, 999999)
    data = {
        "username": f"user{n}",
        "password": "Passw0rd!",
        "password_confirm": "Passw0rd!",
        "org_id": org_id,
        "real_name": "张三",
        "mobile": "138" + f"{n:08d}"[-8:],
        "email": None,
        "id_type": "id_card",
        "id_number": citizen_id(),
        "birth_date": "1990-01-01",
        "gender": "male",
        "ethnicity": "汉族",
        "title_status": "已取得",
        "title_level": "中级",
        "professional_title": "工程师",
        "title_date": "2018-06-01",
        "education": "大学本科",
        "political_status": "群众",
    }
    data.update(overrides)
    return data


def envelope(producer, event_type, payload, clock=None):
    return make_envelope(producer, event_type, payload, (clock or Clock()).now())


def org_payload(org_id, name="测试单位", org_type="employer", review=False, parent_id=None,
                path=None, status="approved"):
    return {"org_id": org_id, "parent_id": parent_id, "path": path or f"/{org_id}/",
            "name": name, "type": org_type, "status": status, "review_members": review}
