"""Identity documents: the mainland citizen ID (GB 11643, check digit and embedded birth
date and sex) and the formats of passports and the HK-Macau / Taiwan permits."""
import re

from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

from services.common.errors import InvalidInput

_PASSPORT = re.compile(r"^[A-Z0-9]{5,17}$")
# 港澳居民来往内地通行证: H/M + 8 digits (older cards: + 10 digits)
_HK_MACAU = re.compile(r"^[HM]\d{8}(\d{2})?$")
# 台湾居民来往大陆通行证: 8 digits (older: 10 characters, digits with a letter suffix)
_TAIWAN = re.compile(r"^(\d{8}|\d{10}|\d{9}[A-Z])$")


def normalise(id_number):
    return re.sub(r"\s+", "", id_number or "").upper()


def validate(id_type, id_number, birth_date=None, gender=None):
    """Return the normalised number, or raise InvalidInput naming the field at fault."""
    number = normalise(id_number)
    if id_type == "id_card":
        try:
            number = ric.validate(number)
        except StdnumError:
            raise InvalidInput("id_number_invalid", "身份证号码不正确，请核对后重新输入（含校验位）",
                               fields={"id_number": ["身份证号码不正确"]}) from None
        if birth_date is not None and ric.get_birth_date(number) != birth_date:
            raise InvalidInput("birth_date_mismatch", "出生日期与身份证号码不一致",
                               fields={"birth_date": ["出生日期与身份证号码不一致"]})
        if gender is not None and gender_of(number) != gender:
            raise InvalidInput("gender_mismatch", "性别与身份证号码不一致",
                               fields={"gender": ["性别与身份证号码不一致"]})
        return number
    patterns = {"passport": _PASSPORT, "hk_macau_permit": _HK_MACAU, "taiwan_permit": _TAIWAN}
    pattern = patterns.get(id_type)
    if pattern is None:
        raise InvalidInput("id_type_invalid", "证件类型不正确",
                           fields={"id_type": ["证件类型不正确"]})
    if not pattern.match(number):
        raise InvalidInput("id_number_invalid", "证件号码格式不正确",
                           fields={"id_number": ["证件号码格式不正确"]})
    return number


def gender_of(citizen_id):
    """The 17th digit of a citizen ID is odd for men, even for women."""
    return "male" if int(citizen_id[16]) % 2 else "female"


def looks_like_id_number(login_name):
    """Usernames start with a letter, so anything starting with a digit is an ID number;
    HK-Macau permits start with H or M followed by digits."""
    value = normalise(login_name)
    return bool(value) and (value[0].isdigit() or bool(_HK_MACAU.match(value)))
