"""/healthz: the process answers. /readyz: the broker is reachable and every deployed
service answers a ping (GATEWAY_SERVICES lists them)."""
from concurrent.futures import ThreadPoolExecutor

from flask import Blueprint, current_app, jsonify

from services.common.settings import env

from .rpc import RpcPool, ServiceUnavailable

blp = Blueprint("health", __name__)
_executor = ThreadPoolExecutor(max_workers=4)


def deployed_services():
    return [s.strip() for s in env("GATEWAY_SERVICES", "identity,orgtree").split(",")
            if s.strip()]


def _ping(pool, service):
    try:
        return service, pool.call(service, "ping") == "pong"
    except ServiceUnavailable:
        return service, False


@blp.route("/healthz")
def healthz():
    return jsonify(status="ok")


@blp.route("/readyz")
def readyz():
    # A pool of its own with a short timeout, on the same broker as the API's pool.
    pool = current_app.extensions.get("ready_rpc")
    if pool is None:
        pool = current_app.extensions["ready_rpc"] = RpcPool(
            uri=current_app.extensions["rpc"].config["AMQP_URI"],
            timeout=float(env("READYZ_TIMEOUT", "2")))
    services = deployed_services()
    results = dict(_executor.map(_ping, [pool] * len(services), services))
    ready = all(results.values())
    body = {"status": "ready" if ready else "not_ready", "services": results}
    if not ready:
        current_app.logger.warning("not ready: %s", results)
    return jsonify(body), (200 if ready else 503)
