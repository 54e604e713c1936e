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


def envelope(producer, event_type, payload, clock=None, version=1):
    """An event as its producer would write it, as version `version` of its aggregate."""
    return make_envelope(producer, event_type, payload, (clock or Clock()).now(), version)


def org_payload(org_id, name="测试单位", org_type="employer", review=False, parent_id=None,
                path=None, status="approved"):
    return {"org_id": org_id, "parent_id": parent_id, "path": path or f"/{org_id}/",
            "name": name, "type": org_type, "status": status, "review_members": review}


def uscc(serial=None, valid=True):
    """A unified social credit code with a correct (or, valid=False, a wrong) GB 32100
    check digit; distinct per call."""
    from stdnum.cn import uscc as uscc_std
    from services.orgtree.domain.org_codes import org_code_check_char
    body8 = f"{(serial if serial is not None else next(_serial)) % 10**8:08d}"
    body = "91120101" + body8 + org_code_check_char(body8)
    check = uscc_std.calc_check_digit(body)
    if not valid:
        check = "0" if check != "0" else "1"
    return body + check


def png_scan(size=(60, 40)):
    """A small real PNG, as a scanned certificate."""
    import io

    from PIL import Image
    buf = io.BytesIO()
    Image.new("RGB", size, (240, 240, 230)).save(buf, format="PNG")
    return buf.getvalue()


def import_sheet(template_bytes, rows=1000, bad_every=100):
    """The downloaded import template filled with `rows` learners; every `bad_every`-th
    row has a mobile number that is not one. Returns .xlsx bytes."""
    import io

    from openpyxl import load_workbook
    workbook = load_workbook(io.BytesIO(template_bytes))
    sheet = workbook.worksheets[0]
    sheet.delete_rows(2)  # the example row
    for i in range(rows):
        bad = i % bad_every == 0
        born = f"1985-{1 + i % 12:02d}-{1 + i // 12 % 28:02d}"
        sheet.append([f"imp{i:04d}", "导入学员", "居民身份证",
                      citizen_id(birth=born.replace("-", ""), male=True), born, "男",
                      "123" if bad else f"139{i:08d}", "汉族", "未取得", None, None, None,
                      "大学本科", "群众", None])
    buf = io.BytesIO()
    workbook.save(buf)
    return buf.getvalue()


def org_form(certificate_id, parent_id, org_type, name, applicant, **overrides):
    """A unit's registration (单位注册) with a fresh valid USCC."""
    return {"type": org_type, "parent_id": parent_id, "name": name, "uscc": uscc(),
            "region": "天津市和平区", "address": "天津市和平区南京路1号",
            "contact_name": "联系人", "contact_phone": "022-23456789",
            "certificate_id": certificate_id, "applicant": applicant, **overrides}


def new_applicant(real_name, id_number, password="Unit@2026x"):
    """A registration's applicant who is not a user yet."""
    return {"existing": False, "id_number": id_number, "password": password,
            "password_confirm": password, "real_name": real_name, "mobile": "13812345678",
            "email": "unit@example.cn", "landline": "022-23456789"}
