"""gunicorn's worker for the gateway: uvicorn's, on uvloop and httptools, writing an
access log only when GATEWAY_ACCESS_LOG names one (at thousands of heartbeats a second a
line each is a noticeable share of the CPU)."""
import os

from uvicorn_worker import UvicornWorker


class GatewayWorker(UvicornWorker):
    CONFIG_KWARGS = {"loop": "uvloop", "http": "httptools",
                     "access_log": bool(os.environ.get("GATEWAY_ACCESS_LOG"))}
