"""PII shown to people who need to recognise it, not to read it."""


def mask_id_number(number):
    if not number:
        return ""
    if len(number) <= 8:
        return number[0] + "*" * (len(number) - 2) + number[-1]
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_mobile(mobile):
    if not mobile or len(mobile) < 7:
        return mobile or ""
    return mobile[:3] + "****" + mobile[-4:]
