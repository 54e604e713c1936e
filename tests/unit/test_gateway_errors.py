"""The gateway's own behaviour, with the RPC pool replaced by a stub (the services' side
is covered by the integration tests): every error is problem+json, nothing internal
leaks, the docs work offline."""
import pytest

from gateway.app import create_app
from gateway.rpc import ServiceUnavailable
from services.common.errors import Conflict


class StubPool:
    """Answers every RPC by calling `behaviour(service, method)`."""

    def __init__(self, behaviour):
        self.behaviour = behaviour
        self.config = {"AMQP_URI": "amqp://stub/"}

    def call(self, service, method, *args, **kwargs):
        return self.behaviour(service, method)

    def __getattr__(self, service):
        return type("S", (), {"__getattr__": lambda _, m: lambda *a, **k: self.call(service, m)})()


def client(behaviour):
    app = create_app(StubPool(behaviour))
    return app.test_client()


def raise_(exc):
    def behaviour(service, method):
        raise exc
    return behaviour


def test_unexpected_error_is_a_clean_500_with_a_request_id(caplog):
    response = client(raise_(RuntimeError("secret internals: password=hunter2"))).get(
        "/api/v1/orgs/tree", headers={"X-Request-Id": "req-123"})
    assert response.status_code == 500
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "internal_error"
    assert response.json["request_id"] == "req-123"
    assert response.headers["X-Request-Id"] == "req-123"
    assert "hunter2" not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)
    assert "req-123" in caplog.text  # logged with the request id


@pytest.mark.parametrize("reason,status,code", [("timeout", 504, "upstream_timeout"),
                                                ("OperationalError", 503, "service_unavailable")])
def test_service_not_answering_is_503_or_504_with_retry_after(reason, status, code):
    response = client(raise_(ServiceUnavailable("orgtree", reason))).get("/api/v1/orgs/tree")
    assert response.status_code == status
    assert response.json["code"] == code
    assert response.headers["Retry-After"] == "5"


def test_domain_error_keeps_its_code_fields_and_chinese_text():
    error = Conflict("username_taken", "该用户名已被注册，请换一个", fields={"username": ["该用户名已被注册"]})
    response = client(raise_(error)).get("/api/v1/orgs/tree")
    assert response.status_code == 409
    assert response.json["code"] == "username_taken"
    assert response.json["errors"] == {"username": ["该用户名已被注册"]}


def test_readyz_is_not_ready_at_once_when_the_broker_refuses_connections():
    pool = StubPool(raise_(AssertionError("no service is asked without a broker")))
    pool.config = {"AMQP_URI": "amqp://guest:guest@127.0.0.1:1/"}  # nothing listens there
    app = create_app(pool)
    app.extensions["ready_rpc"] = pool
    response = app.test_client().get("/readyz?verbose")
    assert response.status_code == 503
    assert response.json == {"status": "not_ready", "broker": False,
                             "services": {"identity": False, "orgtree": False, "learning": False}}


def test_openapi_lists_the_contract_paths():
    spec = client(raise_(AssertionError)).get("/api/v1/openapi.json").json
    for path in ("/api/v1/auth/register", "/api/v1/auth/captcha", "/api/v1/auth/login",
                 "/api/v1/auth/refresh", "/api/v1/auth/logout", "/api/v1/me",
                 "/api/v1/me/password", "/api/v1/orgs/tree"):
        assert path in spec["paths"], path
    assert "patch" in spec["paths"]["/api/v1/me"]
    register = spec["components"]["schemas"]["RegisterBody"]["properties"]
    assert {"username", "password_confirm", "org_id", "id_type", "title_status"} <= set(register)


def test_docs_page_loads_its_scripts_from_the_gateway_itself():
    c = client(raise_(AssertionError))
    page = c.get("/api/v1/docs").get_data(as_text=True)
    assert "/api/v1/docs-assets/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    assert c.get("/api/v1/docs-assets/swagger-ui-bundle.js").status_code == 200
    assert c.get("/api/v1/docs-assets/swagger-ui.css").status_code == 200


def test_web_client_is_served_and_paths_cannot_escape_it(tmp_path, monkeypatch):
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text('<meta charset="utf-8"><div id="app"></div>')
    (tmp_path / "assets" / "index-abc123.js").write_text("export {};")
    (tmp_path / "robots.txt").write_text("User-agent: *")
    monkeypatch.setenv("WEB_DIST", str(tmp_path))
    c = client(raise_(AssertionError))
    index = c.get("/")
    assert '<meta charset="utf-8">' in index.get_data(as_text=True)
    assert index.headers["Cache-Control"] == "no-cache"  # it names the current assets
    # A client route (history mode) is answered with the client; the client routes it.
    assert c.get("/admin/learners").get_data(as_text=True) == index.get_data(as_text=True)
    asset = c.get("/assets/index-abc123.js")
    assert asset.mimetype == "text/javascript"
    assert "max-age=31536000" in asset.headers["Cache-Control"]
    assert c.get("/robots.txt").get_data(as_text=True) == "User-agent: *"
    assert c.get("/assets/missing.js").status_code == 404
    unknown_api = c.get("/api/v1/no-such-route")
    assert unknown_api.status_code == 404 and unknown_api.mimetype == "application/problem+json"
    for escape in ("/..%2Fapp.py", "/assets/..%2F..%2Fgateway%2Fapp.py", "/%2e%2e/README.md"):
        answer = c.get(escape)
        assert "create_app" not in answer.get_data(as_text=True), escape
        assert "专业技术人员" not in answer.get_data(as_text=True), escape


def test_an_unbuilt_web_client_is_a_clear_problem(tmp_path, monkeypatch):
    monkeypatch.setenv("WEB_DIST", str(tmp_path / "nothing"))
    answer = client(raise_(AssertionError)).get("/login")
    assert answer.status_code == 503
    assert answer.get_json()["code"] == "web_client_not_built"
