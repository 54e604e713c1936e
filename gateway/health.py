"""/healthz: the process answers. /readyz: this gateway can serve — the broker, its own
dependency, accepts a connection. A backend service that is down does not make the
gateway unready: every replica would leave the load balancer at once and even the routes
of the services that are up would go dark; its routes answer 503 problem+json instead.

/readyz?verbose adds the per-service view for ops: each service in GATEWAY_SERVICES
pinged (in parallel, READYZ_TIMEOUT each), and when reporting is deployed, how far its
read models are behind each producer (`reporting_lag`: events applied, the newest one's
time, and how late it was applied). It never changes the status code."""
from concurrent.futures import ThreadPoolExecutor

from flask import Blueprint, current_app, jsonify, request

from services.common.settings import env

from .rpc import RpcPool, ServiceUnavailable, connect_once

blp = Blueprint("health", __name__)
_executor = ThreadPoolExecutor(max_workers=4)


def deployed_services():
    return [s.strip() for s in env("GATEWAY_SERVICES", "identity,orgtree,learning").split(",")
            if s.strip()]


def broker_reachable(uri):
    try:
        connect_once(uri).release()
        return True
    except Exception as exc:
        current_app.logger.warning("not ready: broker unreachable (%s)", exc)
        return False


def _ping(pool, service):
    try:
        return service, pool.call(service, "ping") == "pong"
    except ServiceUnavailable:
        return service, False


def services_answering(uri):
    # A pool of its own with a short timeout, on the same broker as the API's pool.
    pool = current_app.extensions.get("ready_rpc")
    if pool is None:
        pool = current_app.extensions["ready_rpc"] = RpcPool(
            uri=uri, timeout=float(env("READYZ_TIMEOUT", "2")))
    services = deployed_services()
    return dict(_executor.map(_ping, [pool] * len(services), services))


@blp.route("/healthz")
def healthz():
    return jsonify(status="ok")


@blp.route("/readyz")
def readyz():
    uri = current_app.extensions["rpc"].config["AMQP_URI"]
    ready = broker_reachable(uri)
    body = {"status": "ready" if ready else "not_ready", "broker": ready}
    if "verbose" in request.args:
        body["services"] = (services_answering(uri) if ready
                            else dict.fromkeys(deployed_services(), False))
        if body["services"].get("reporting"):
            try:
                body["reporting_lag"] = current_app.extensions["ready_rpc"].call(
                    "reporting", "feed_status")
            except ServiceUnavailable:
                body["reporting_lag"] = None
    return jsonify(body), (200 if ready else 503)
