"""The two codes a Chinese unit is known by: the unified social credit code (统一社会信用代码,
GB 32100-2015) and, for units registered before it, the organisation code (组织机构代码,
GB 11714-1997). A USCC whose check digit fails is accepted with a warning that an approver
must confirm, because some codes issued early in the scheme really fail the check."""
from dataclasses import dataclass

from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc as uscc_std

ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ORG_CODE_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass(frozen=True)
class CheckedCode:
    uscc: str | None
    org_code: str | None
    warning: str | None  # Chinese text for the approver; None when every check passed


class CodeInvalid(ValueError):
    """The code cannot be a unit's code at all (wrong length or characters)."""


def org_code_check_char(body):
    total = sum(ORG_CODE_CHARS.index(c) * w for c, w in zip(body, ORG_CODE_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def clean_org_code(raw):
    """GB 11714: eight digits or capital letters and a check character, usually written
    XXXXXXXX-X. Returned without the hyphen."""
    code = (raw or "").strip().upper().replace("-", "").replace(" ", "")
    if len(code) != 9 or any(c not in ORG_CODE_CHARS for c in code[:8]):
        raise CodeInvalid("组织机构代码应为8位数字或大写字母加1位校验码，如 12345678-9")
    if code[8] != org_code_check_char(code[:8]):
        raise CodeInvalid("组织机构代码校验码不正确，请核对代码证")
    return code


def check(uscc=None, org_code=None):
    """One of the two codes is required; the USCC wins when both are given (its digits
    9–17 are the organisation code)."""
    if uscc and uscc.strip():
        try:
            clean = uscc_std.compact(uscc)
            uscc_std.validate(clean)
            return CheckedCode(clean, clean[8:17], None)
        except stdnum_errors.InvalidChecksum:
            return CheckedCode(clean, clean[8:17],
                               "统一社会信用代码校验位不符合GB 32100，请审核人核对代码证扫描件后确认")
        except stdnum_errors.ValidationError:
            raise CodeInvalid("统一社会信用代码应为18位数字或大写字母（不含I、O、Z、S、V）") from None
    if org_code and org_code.strip():
        return CheckedCode(None, clean_org_code(org_code), None)
    raise CodeInvalid("请填写统一社会信用代码或组织机构代码")
