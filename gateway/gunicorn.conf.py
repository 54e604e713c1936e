# gunicorn -c gateway/gunicorn.conf.py "gateway.asgi:asgi()"
# uvicorn workers (gateway/worker.py): heartbeats are answered on the event loop, every
# other route by Flask on GATEWAY_THREADS threads per worker (gateway/asgi.py) — Nameko's
# standalone proxies are plain kombu clients, one per thread.
import os

# libuv (under uvloop) accepts every pending connection in one go, so one worker of several
# sharing the listening socket takes a whole burst of new connections — 64 of 64 in the
# heartbeat benchmark — while the other idles. With this set it accepts one and yields.
os.environ.setdefault("UV_TCP_SINGLE_ACCEPT", "1")

bind = os.environ.get("GATEWAY_BIND", "0.0.0.0:" + os.environ.get("PORT", "8000"))
worker_class = "gateway.worker.GatewayWorker"
workers = int(os.environ.get("GATEWAY_WORKERS", "1"))
threads = int(os.environ.get("GATEWAY_THREADS", "16"))
keepalive = 5
timeout = 30
graceful_timeout = 20
accesslog = os.environ.get("GATEWAY_ACCESS_LOG") or None
errorlog = "-"
# No control socket: every gunicorn on a machine would share ~/.gunicorn/gunicorn.ctl
# (make run next to make bench, tests), and nothing here uses it.
control_socket_disable = True
