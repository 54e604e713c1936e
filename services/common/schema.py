"""marshmallow, speaking Chinese: import `Schema` and `fields` from here so every
message a learner or admin can see is Chinese, whichever field or schema produced it."""
from marshmallow import RAISE, Schema as _Schema, fields, validate  # noqa: F401

_MESSAGES = {
    fields.Field: {"required": "此项为必填项", "null": "此项不能为空",
                   "validator_failed": "此项的值无效"},
    fields.String: {"invalid": "须为文本", "invalid_utf8": "不是有效的 UTF-8 文本"},
    fields.Integer: {"invalid": "须为整数", "too_large": "数值过大"},
    fields.Number: {"invalid": "须为数字", "too_large": "数值过大"},
    fields.Boolean: {"invalid": "须为布尔值"},
    fields.Date: {"invalid": "须为日期，格式 YYYY-MM-DD", "format": "日期格式不正确"},
    fields.DateTime: {"invalid": "须为时间，格式 ISO 8601", "format": "时间格式不正确"},
    fields.Email: {"invalid": "电子邮箱格式不正确"},
    fields.List: {"invalid": "须为列表"},
    fields.Dict: {"invalid": "须为对象"},
    fields.Nested: {"type": "须为对象"},
}

for _cls, _messages in _MESSAGES.items():
    _cls.default_error_messages = {**_cls.default_error_messages, **_messages}


class Schema(_Schema):
    error_messages = {"unknown": "不允许的字段", "type": "请求体须为 JSON 对象"}

    class Meta:
        unknown = RAISE


def length(min=None, max=None):
    if min and max:
        message = f"长度须为{min}–{max}个字符"
    elif max:
        message = f"长度不能超过{max}个字符"
    else:
        message = f"长度不能少于{min}个字符"
    return validate.Length(min=min, max=max, error=message)


def one_of(choices):
    return validate.OneOf(list(choices), error="不是可选的值之一")


def field_messages(messages, prefix=""):
    """marshmallow's nested messages as {field: [messages]}: a nested object's fields are
    named with dots ("applicant.id_number", as the web client names its inputs); a list's
    items' messages belong to the list."""
    flat = {}
    for key, value in (messages or {}).items():
        name = f"{prefix}{key}" if isinstance(key, str) else prefix.rstrip(".")
        if isinstance(value, dict):
            for inner, msgs in field_messages(value, f"{name}.").items():
                flat.setdefault(inner, []).extend(msgs)
        else:
            flat.setdefault(name, []).extend(value if isinstance(value, list) else [str(value)])
    return flat


def invalid_input(err):
    """A marshmallow ValidationError as the domain's InvalidInput, naming each field."""
    from .errors import InvalidInput
    messages = field_messages(err.normalized_messages())
    return InvalidInput("validation_failed", f"以下信息有误：{'、'.join(sorted(messages))}",
                        fields=messages)


def load(schema, data):
    """schema.load, with a failure raised as InvalidInput."""
    from marshmallow import ValidationError
    try:
        return schema.load(data)
    except ValidationError as err:
        raise invalid_input(err) from None
