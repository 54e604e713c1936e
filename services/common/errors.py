"""Domain errors with a stable code and a Chinese message.

They cross Nameko RPC as real instances (registered with `deserialize_to_instance`),
so the gateway can turn them into problem+json without guessing.
"""
from nameko.exceptions import deserialize_to_instance


@deserialize_to_instance
class DomainError(Exception):
    status = 400
    title = "请求无法处理"

    def __init__(self, code, detail=None, fields=None, extra=None):
        super().__init__(code, detail, fields or {}, extra or {})
        self.code = code
        self.detail = detail or self.title
        self.fields = fields or {}
        self.extra = extra or {}

    def __str__(self):
        return f"{self.code}: {self.detail}"


@deserialize_to_instance
class InvalidInput(DomainError):
    """A value is well-formed but breaks a rule (check digit, dates that disagree...)."""
    status = 422
    title = "提交的信息有误"


@deserialize_to_instance
class NotFound(DomainError):
    status = 404
    title = "未找到"


@deserialize_to_instance
class Conflict(DomainError):
    status = 409
    title = "与现有数据冲突"


@deserialize_to_instance
class Unauthenticated(DomainError):
    status = 401
    title = "未登录或登录已失效"


@deserialize_to_instance
class Forbidden(DomainError):
    status = 403
    title = "没有权限"


@deserialize_to_instance
class Locked(DomainError):
    status = 423
    title = "账号已锁定"


@deserialize_to_instance
class ServiceUnavailable(DomainError):
    """Another service (or the broker) did not answer in time; the caller may retry.
    Raised by services.common.rpc_client for a service-to-service call."""
    status = 503
    title = "服务暂不可用，请稍后重试"
