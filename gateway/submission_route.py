"""POST /api/v1/me/attempts/{token}/submission (交卷), served on the gateway's event loop
(asgi.py) and put on exam's queue (submissions.py) — at a deadline thousands arrive in
seconds. The same contract and answers as the Flask view it stands in front of
(documented in the OpenAPI there): the bearer token, the learner role, the AnswersBody
schema, 202 once the broker holds it, problem+json with a Chinese message."""
import asyncio
import re

from services.common.schema import load
from services.exam.contracts import AnswersBody

from . import submissions
from .auth import admit, already_verified, bearer_token, verify
from .heartbeat_route import HeartbeatRoute, HttpProblem, header, parsed, read_body

PATH = re.compile(r"^/api/v1/me/attempts/([0-9A-Za-z]{1,32})/submission$")
ENDPOINT = "exam_me.submit_attempt"
MAX_BODY_BYTES = 256 * 1024
ANSWERS = AnswersBody()


class SubmissionRoute(HeartbeatRoute):
    """As the heartbeat route, with its own path, body and message."""

    async def _accept(self, scope, receive):
        if scope["method"] != "POST":
            raise HttpProblem(405)
        if header(scope, b"content-type").split(";")[0].strip().lower() != "application/json":
            raise HttpProblem(415)
        token = PATH.match(scope["path"]).group(1)
        bearer = bearer_token(header(scope, b"authorization"))
        claims = already_verified(bearer) or await asyncio.to_thread(
            verify, self.extensions["public_keys"], bearer)
        admit(claims, ("learner",), ENDPOINT, self.extensions["grant_changes"])
        body = load(ANSWERS, parsed(await read_body(scope, receive, MAX_BODY_BYTES)))
        await self.bus.publish(submissions.message(
            int(claims["sub"]), token, body, self.extensions["clock"].now()))
        return submissions.answer(token)
