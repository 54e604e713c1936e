"""Every error leaves the gateway as application/problem+json (RFC 9457) with a stable
`code` and a Chinese `title` / `detail`. Nothing internal ever reaches a client."""
import logging

from flask import g, jsonify

from services.common.schema import field_messages

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"

# Titles for HTTP-level failures that never reached a service.
HTTP_PROBLEMS = {
    400: ("bad_request", "请求格式不正确"),
    401: ("unauthenticated", "未登录或登录已失效"),
    403: ("forbidden", "没有权限"),
    404: ("not_found", "请求的资源不存在"),
    405: ("method_not_allowed", "不支持该请求方法"),
    413: ("payload_too_large", "请求内容过大"),
    415: ("unsupported_media_type", "请求内容类型须为 application/json"),
    422: ("validation_failed", "提交的信息有误"),
    429: ("too_many_requests", "请求过于频繁，请稍后再试"),
    500: ("internal_error", "服务器内部错误，请稍后重试"),
    503: ("service_unavailable", "服务暂不可用，请稍后重试"),
    504: ("upstream_timeout", "服务响应超时，请稍后重试"),
}


def problem_document(status, code=None, title=None, detail=None, errors=None,
                     request_id=None, **extra):
    """The problem+json body (the Flask side and the ASGI heartbeat route share it)."""
    default_code, default_title = HTTP_PROBLEMS.get(status, ("error", "请求失败"))
    body = {"type": "about:blank", "status": status, "code": code or default_code,
            "title": title or default_title, "detail": detail or title or default_title}
    if errors:
        body["errors"] = errors
    if request_id:
        body["request_id"] = request_id
    body.update({k: v for k, v in extra.items() if v is not None})
    return body


def problem(status, code=None, title=None, detail=None, errors=None, headers=None, **extra):
    response = jsonify(problem_document(status, code, title, detail, errors,
                                        getattr(g, "request_id", None), **extra))
    response.status_code = status
    response.mimetype = PROBLEM_JSON
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def from_domain_error(exc):
    return problem(exc.status, exc.code, exc.title, exc.detail, exc.fields or None,
                   **(exc.extra or {}))


def field_errors_from_webargs(messages):
    """webargs nests messages by location ({"json": {...}}); clients want field -> list,
    named as identity and orgtree name them (services.common.schema.field_messages)."""
    flat = {}
    for location, fields in (messages or {}).items():
        for name, msgs in field_messages(fields if isinstance(fields, dict)
                                         else {location: fields}).items():
            flat.setdefault(name, []).extend(msgs)
    return flat
