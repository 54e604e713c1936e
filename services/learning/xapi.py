"""xAPI statements of the player (played, paused, seeked, completed — with the ADL video
profile's extensions), forwarded to a Learning Record Store when LRS_ENDPOINT is set.
Best effort and never in the heartbeat's way: statements queue in memory (bounded) and a
green thread posts them in batches, retrying a few times; what cannot be delivered is
logged and dropped (the platform's own record is the progress table)."""
import logging
import uuid

import requests

from services.common.settings import env

from .domain import crediting
from .settings import public_base_url

log = logging.getLogger(__name__)

VIDEO = "https://w3id.org/xapi/video"
VERBS = {"play": f"{VIDEO}/verbs/played", "pause": f"{VIDEO}/verbs/paused",
         "hidden": f"{VIDEO}/verbs/paused", "seek": f"{VIDEO}/verbs/seeked",
         "end": "http://adlnet.gov/expapi/verbs/completed"}
VERB_NAMES = {"play": "played", "pause": "paused", "hidden": "paused", "seek": "seeked",
              "end": "completed"}


def statement(user_id, beat, outcome):
    """One statement for a heartbeat that was taken (ticks make none)."""
    base = public_base_url()
    seconds = round(beat.position_ms / 1000, 3)
    result_ext = {f"{VIDEO}/extensions/time": seconds,
                  f"{VIDEO}/extensions/played-segments": "[,]".join(
                      f"{s / 1000:.3f}[.]{e / 1000:.3f}" for s, e in outcome.segments),
                  f"{VIDEO}/extensions/progress": round(
                      crediting.covered_ms(outcome.segments) / outcome.playback.duration_ms, 3)}
    if beat.event == "seek":
        result_ext[f"{VIDEO}/extensions/time-from"] = round((beat.from_position_ms or 0) / 1000, 3)
        result_ext[f"{VIDEO}/extensions/time-to"] = seconds
        del result_ext[f"{VIDEO}/extensions/time"]
    return {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "account": {"homePage": base, "name": str(user_id)}},
        "verb": {"id": VERBS[beat.event], "display": {"en-US": VERB_NAMES[beat.event]}},
        "object": {"objectType": "Activity",
                   "id": f"{base}/chapters/{outcome.playback.chapter_id}",
                   "definition": {"type": "https://w3id.org/xapi/video/activity-type/video"}},
        "result": {"extensions": result_ext},
        "context": {"registration": beat.session_id,
                    "contextActivities": {"category": [{"id": VIDEO}]},
                    "extensions": {f"{VIDEO}/extensions/session-id": beat.session_id,
                                   f"{VIDEO}/extensions/length":
                                       round(outcome.playback.duration_ms / 1000, 3)}},
        "timestamp": beat.received_at.isoformat(),
    }


class LrsForwarder:
    """Posts statements to LRS_ENDPOINT/statements (xAPI 1.0.3) from a green thread."""

    def __init__(self, endpoint, auth=None, max_queue=10_000, attempts=3):
        import eventlet.queue
        self.endpoint = endpoint.rstrip("/")
        user, password = env("LRS_USERNAME"), env("LRS_PASSWORD")
        self.auth = auth or ((user, password) if user else None)
        self.queue = eventlet.queue.LightQueue(max_queue)
        self.attempts = attempts
        self.sent = 0
        self._thread = None

    @property
    def enabled(self):
        return bool(self.endpoint)

    def send(self, moments):
        if not self.enabled:
            return
        import eventlet
        for user_id, beat, outcome in moments:
            if beat.event not in VERBS:
                continue
            try:
                self.queue.put_nowait(statement(user_id, beat, outcome))
            except eventlet.queue.Full:
                log.warning("LRS queue full: dropping a statement")
        if self._thread is None:
            self._thread = eventlet.spawn(self._post_forever)

    def _post_forever(self):
        import eventlet
        while True:
            batch = [self.queue.get()]
            while len(batch) < 100 and not self.queue.empty():
                batch.append(self.queue.get_nowait())
            for attempt in range(self.attempts):
                try:
                    response = requests.post(
                        f"{self.endpoint}/statements", json=batch, auth=self.auth, timeout=10,
                        headers={"X-Experience-API-Version": "1.0.3"})
                    if response.status_code < 300:
                        self.sent += len(batch)
                        break
                    log.warning("LRS answered %s", response.status_code)
                except requests.RequestException as exc:
                    log.warning("LRS unreachable: %s", exc)
                eventlet.sleep(2 ** attempt)
            else:
                log.error("dropping %d xAPI statements the LRS did not take", len(batch))
