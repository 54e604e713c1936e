"""The gateway's Flask application: `create_app()`. gunicorn serves it inside asgi.py,
which answers the heartbeat route itself (see gunicorn.conf.py)."""
import logging
import uuid
from pathlib import Path

import swagger_ui_bundle
from flask import Flask, g, request, send_from_directory
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from services.common.clock import Clock
from services.common.errors import DomainError
from services.common.settings import env

from . import files, health
from .auth import GrantChanges, PublicKeys
from .problems import field_errors_from_webargs, from_domain_error, problem
from .routes import BLUEPRINTS
from .rpc import RpcPool, ServiceUnavailable

log = logging.getLogger("gateway")

MAX_BODY_BYTES = 64 * 1024
SWAGGER_ASSETS = Path(swagger_ui_bundle.swagger_ui_path)
# The built web client (`web/`, `npm run build`); WEB_DIST points elsewhere (tests build
# their own copy).
WEB_DIST = Path(__file__).resolve().parent.parent / "web" / "dist"
# Routes whose body is not JSON (payment callbacks, uploads) declare themselves here,
# with the largest body each accepts.
UPLOAD_LIMITS = {"identity_admin.start_import": 20 * 1024 * 1024,
                 "orgtree_public.upload_certificate": 5 * 1024 * 1024 + 64 * 1024,  # + form
                 "learning_admin.upload_course_image": 2 * 1024 * 1024 + 64 * 1024,
                 "learning_admin.start_course_import": 20 * 1024 * 1024 + 64 * 1024,
                 "learning_admin.upload_video": int(env("VIDEO_MAX_MB", "500")) * 1024 * 1024
                 + 64 * 1024,
                 "billing_admin.issue_invoice": 5 * 1024 * 1024 + 64 * 1024,
                 "exam_admin.start_question_import": 20 * 1024 * 1024 + 64 * 1024}

# Payment providers post forms, as their protocols define.
FORM_ROUTES = {"billing_public.alipay_notify", "billing_public.bank_notify",
               "billing_public.bank_return"}


class ProblemApi(Api):
    """flask-smorest, with every HTTP error rendered as problem+json."""

    def handle_http_exception(self, error):
        data = getattr(error, "data", None) or {}
        messages = data.get("messages")
        if error.code == 400 and messages and "Invalid JSON body." in str(messages):
            return problem(400, "malformed_json", "请求体不是有效的 JSON")
        if error.code == 422 and messages:
            errors = field_errors_from_webargs(messages)
            names = "、".join(sorted(errors))
            return problem(422, "validation_failed", "提交的信息有误",
                           f"以下字段有误：{names}", errors)
        return problem(error.code or 500)


def create_app(rpc_pool=None, clock=None):
    app = Flask(__name__)
    app.config.update(
        API_TITLE="专业技术人员继续教育平台 API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL="/api/v1/docs-assets/",
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        JSON_AS_ASCII=False,
    )
    app.json.ensure_ascii = False
    pool = rpc_pool or RpcPool()
    app.extensions["rpc"] = pool
    # The server's time (heartbeats are stamped with it); tests pass a clock they move.
    app.extensions["clock"] = clock or Clock()
    app.extensions["public_keys"] = PublicKeys(pool)
    app.extensions["grant_changes"] = GrantChanges(
        pool, max_age=float(env("GATEWAY_GRANT_CHECK_SECONDS", "5")))

    api = ProblemApi(app, spec_kwargs={"components": {"securitySchemes": {
        "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}}})
    app.extensions["openapi"] = api  # its spec: python -m gateway.openapi_dump
    for blp in BLUEPRINTS:
        api.register_blueprint(blp)
    app.register_blueprint(health.blp)
    app.register_blueprint(files.blp)

    @app.route("/api/v1/docs-assets/<path:filename>")
    def docs_assets(filename):
        return send_from_directory(SWAGGER_ASSETS, filename, max_age=86400)

    web_client = Path(env("WEB_DIST", str(WEB_DIST)))

    # The web client: Vite's build. Hashed assets are cached for good, index.html never
    # (it names the current assets); any other path outside /api is a client route.
    @app.route("/assets/<path:name>")
    def web_asset(name):
        return send_from_directory(web_client / "assets", name, max_age=31536000)

    @app.route("/")
    @app.route("/<path:route>")
    def web_index(route=""):
        if route.startswith(("api/", "assets/")):
            return problem(404)
        candidate = web_client / route
        if route and "/" not in route and candidate.is_file():
            return send_from_directory(web_client, route, max_age=300)
        if not (web_client / "index.html").is_file():
            return problem(503, "web_client_not_built", "网页客户端尚未构建",
                           "请先构建网页客户端（cd web && npm ci && npm run build）")
        response = send_from_directory(web_client, "index.html", max_age=0)
        response.headers["Cache-Control"] = "no-cache"
        return response

    @app.before_request
    def _request_id_and_content_type():
        g.request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex
        if request.endpoint in UPLOAD_LIMITS:
            request.max_content_length = UPLOAD_LIMITS[request.endpoint]
            if request.mimetype != "multipart/form-data":
                return problem(415, title="请求内容类型须为 multipart/form-data",
                               detail="请以 multipart/form-data 上传文件")
        elif request.endpoint in FORM_ROUTES:
            if request.mimetype != "application/x-www-form-urlencoded":
                return problem(415, title="请求内容类型须为 application/x-www-form-urlencoded")
        elif (request.method in ("POST", "PUT", "PATCH") and request.path.startswith("/api/")
                and (request.content_length or request.headers.get("Transfer-Encoding"))
                and request.mimetype != "application/json"):
            return problem(415)

    @app.after_request
    def _echo_request_id(response):
        response.headers["X-Request-Id"] = getattr(g, "request_id", "")
        return response

    @app.errorhandler(DomainError)
    def _domain_error(exc):
        response = from_domain_error(exc)
        if exc.status == 503:  # a service behind the one called did not answer
            response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(ServiceUnavailable)
    def _unavailable(exc):
        log.warning("request %s: %s unavailable (%s)", g.get("request_id"), exc.service,
                    exc.reason)
        status = 504 if exc.reason == "timeout" else 503
        return problem(status, headers={"Retry-After": "5"})

    @app.errorhandler(HTTPException)
    def _http_error(exc):
        return api.handle_http_exception(exc)

    @app.errorhandler(Exception)
    def _unexpected(exc):
        log.exception("request %s failed", g.get("request_id"))
        return problem(500)

    return app


def wsgi():
    logging.basicConfig(level=env("LOG_LEVEL", "INFO"))
    return create_app()
