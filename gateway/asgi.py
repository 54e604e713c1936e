"""The gateway as gunicorn serves it (`gateway.asgi:asgi()`, gunicorn.conf.py): an ASGI
application in which the heartbeat and 交卷 routes are answered on the event loop (put on
their services' queues: work_bus.py), payment providers' notifications too (grouped for
billing: notifications.py), and every other request goes to the Flask application (`app.create_app`), run on a thread pool by a2wsgi
— Flask views call services by blocking RPC, one kombu client per thread, as before.

One door for clients, one process per worker, and the hottest route without a thread hop
or Flask's per-request machinery."""
import logging

from a2wsgi import WSGIMiddleware

from services.common.settings import env

from . import heartbeat_route, notification_route, submission_route
from .app import create_app
from services.exam import submission_queue
from services.learning import heartbeat_queue

from .work_bus import WorkBus
from .notifications import NotificationGroups


class GatewayAsgi:
    def __init__(self, flask_app, threads=None):
        self.bus = WorkBus(flask_app.extensions["rpc"].config["AMQP_URI"], heartbeat_queue.WORK)
        self.heartbeats = heartbeat_route.HeartbeatRoute(flask_app.extensions, self.bus)
        self.submission_bus = WorkBus(flask_app.extensions["rpc"].config["AMQP_URI"],
                                      submission_queue.WORK)
        self.submissions = submission_route.SubmissionRoute(flask_app.extensions,
                                                            self.submission_bus)
        self.notification_groups = NotificationGroups(flask_app.extensions["rpc"])
        self.notifications = notification_route.NotificationRoute(self.notification_groups)
        self.flask = WSGIMiddleware(flask_app,
                                    workers=int(threads or env("GATEWAY_THREADS", "16")))

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["path"] == heartbeat_route.PATH:
            await self.heartbeats(scope, receive, send)
        elif scope["type"] == "http" and submission_route.PATH.match(scope["path"]):
            await self.submissions(scope, receive, send)
        elif scope["type"] == "http" and scope["path"] in notification_route.PATHS:
            await self.notifications(scope, receive, send)
        elif scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        else:
            await self.flask(scope, receive, send)

    async def _lifespan(self, receive, send):
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.bus.close()
                await self.submission_bus.close()
                self.notification_groups.close()
                await send({"type": "lifespan.shutdown.complete"})
                return


def create_asgi(flask_app, threads=None):
    return GatewayAsgi(flask_app, threads)


def asgi():
    logging.basicConfig(level=env("LOG_LEVEL", "INFO"))
    return create_asgi(create_app())
