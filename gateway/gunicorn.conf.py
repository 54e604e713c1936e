# gunicorn -c gateway/gunicorn.conf.py "gateway.app:wsgi()"
# gthread workers: gunicorn 26+ has no eventlet worker, and Nameko's standalone proxies
# are plain kombu clients, one per thread.
import os

bind = os.environ.get("GATEWAY_BIND", "0.0.0.0:" + os.environ.get("PORT", "8000"))
worker_class = "gthread"
workers = int(os.environ.get("GATEWAY_WORKERS", "2"))
threads = int(os.environ.get("GATEWAY_THREADS", "16"))
keepalive = 5
timeout = 30
graceful_timeout = 20
accesslog = os.environ.get("GATEWAY_ACCESS_LOG") or None
errorlog = "-"
# No control socket: every gunicorn on a machine would share ~/.gunicorn/gunicorn.ctl
# (make run next to make bench, tests), and nothing here uses it.
control_socket_disable = True
