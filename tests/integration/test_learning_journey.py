"""Done-when of the learning issue, through the gateway and the real broker: an operator
creates a plan with a required and an elective course (real videos); a learner activates
it and watches the required course to completion with realistic heartbeats (a client that
seeks ahead earns nothing), and course_completed is seen on the bus; after order_paid
(published through billing's outbox) the elective becomes watchable; after exam_passed
for the required exam the plan passes and a signed certificate PDF exists whose
verification page shows its fields and hash."""
import hashlib
import io
from datetime import datetime, timezone

import pytest
from kombu import Connection, Consumer, Queue

from services.common.relay import event_exchange
from tests.conftest import eventually
from tests.foreign_producer import ForeignProducer
from tests.integration.conftest import make_platform
from tests.learning_helpers import (Player, make_course, new_learner, operator_headers,
                                    published_plan)

pytestmark = pytest.mark.integration


@pytest.fixture
def learning_platform(start_services, uow_factory, amqp_uri, clock):
    return make_platform(start_services, uow_factory, amqp_uri, captcha="off", clock=clock)


class BusWatcher:
    """A queue of our own bound to learning's events: what other services will see."""

    def __init__(self, amqp_uri, *event_types):
        self.connection = Connection(amqp_uri)
        self.queue = Queue("test-watch-learning", exchange=event_exchange("learning"),
                           bindings=None, routing_key=None, exclusive=True)
        channel = self.connection.channel()
        self.queue = self.queue(channel)
        event_exchange("learning")(channel).declare()
        self.queue.declare()
        for event_type in event_types:
            self.queue.bind_to(exchange=event_exchange("learning"), routing_key=event_type)
        self.seen = []
        self.consumer = Consumer(channel, queues=[self.queue], accept=["json"],
                                 callbacks=[lambda body, m: (self.seen.append(body), m.ack())])
        self.consumer.consume()

    def of(self, event_type):
        try:
            self.connection.drain_events(timeout=0.2)
        except TimeoutError:
            pass
        return [e for e in self.seen if e["type"] == event_type]


def test_a_learner_watches_pays_passes_and_gets_a_verifiable_signed_certificate(
        learning_platform, amqp_uri, clock, tmp_path):
    client, orgs = learning_platform["client"], learning_platform["orgs"]
    operator = operator_headers(client, learning_platform["uow"])
    watcher = BusWatcher(amqp_uri, "course_completed", "plan_completed", "certificate_issued")

    required = make_course(client, operator, tmp_path, "学习贯彻党的二十大精神", "6.0", chapters=2)
    elective = make_course(client, operator, tmp_path, "人工智能与数字经济", "2.0")
    plan = published_plan(client, operator, [
        {"course_id": required["course_id"], "kind": "required", "exam_required": True},
        {"course_id": elective["course_id"], "kind": "elective"}])

    learner, user_id = new_learner(client, orgs["open"])
    listed = client.get("/api/v1/me/plans", headers=learner).json["items"]
    assert [(p["plan_id"], p["enrolment_status_label"]) for p in listed] == \
        [(plan["plan_id"], "待激活")]
    activated = client.post(f"/api/v1/me/plans/{plan['plan_id']}/activation", headers=learner)
    assert activated.status_code == 200, activated.json
    assert activated.json["enrolment_status_label"] == "学习中"
    assert [c["course_id"] for c in activated.json["courses"]] == [required["course_id"]]
    assert activated.json["hours"]["total_selected"] == "6.0"
    again = client.post(f"/api/v1/me/plans/{plan['plan_id']}/activation", headers=learner)
    assert again.status_code == 409 and again.json["code"] == "plan_already_activated"

    # A client that seeks past what it watched earns nothing for what it plays there.
    first, second = required["chapters"]
    cheater = Player(client, learner, clock, first["chapter_id"])
    cheater.beat("play", 0)
    cheater.beat("seek", 15, after=0.5, from_position=0.5)
    cheater.beat("tick", 20, after=5)
    status = cheater.wait_until(lambda s: s["last_verdict"] == "ahead_of_watched")
    assert status["covered_ms"] == 500 and not status["completed"]

    # Honest watching, chapter after chapter: ticks every 5 s of a 20 s video.
    for chapter in (first, second):
        player = Player(client, learner, clock, chapter["chapter_id"])
        player.watch_to_end(step=5)
        done = player.wait_until(lambda s: s["completed"])
        assert done["covered_ms"] == done["duration_ms"]
    completed = eventually(lambda: watcher.of("course_completed"), timeout=15)
    assert {(e["payload"]["course_id"], e["payload"]["user_id"]) for e in completed} == \
        {(required["course_id"], user_id)}

    # The elective is not the learner's until its order is paid (in billing).
    elective_chapter = elective["chapters"][0]["chapter_id"]
    refused = client.post("/api/v1/me/playbacks", headers=learner,
                          json={"chapter_id": elective_chapter})
    assert refused.status_code == 403 and refused.json["code"] == "course_not_selected"
    quote = client.post(f"/api/v1/me/plans/{plan['plan_id']}/quote", headers=learner,
                        json={"course_ids": [elective["course_id"]]}).json
    assert quote["total_fen"] == 1000 and quote["lines"][0]["hours"] == "2.0"
    billing = ForeignProducer("billing", amqp_uri, tmp_path)
    billing.publish("order_paid", {
        "order_no": "CPE2026120100000001", "user_id": user_id, "plan_id": plan["plan_id"],
        "lines": [{"kind": "course", "course_id": elective["course_id"], "hours": "2.0",
                   "price_fen": 1000}],
        "total_fen": 1000, "channel": "alipay", "paid_at": datetime.now(timezone.utc)})
    player = eventually(lambda: _try_player(client, learner, clock, elective_chapter))
    player.watch_to_end(step=5)
    player.wait_until(lambda s: s["completed"])

    page = eventually(lambda: (lambda p: p if p["hours"]["total_completed"] == "8.0" else None)(
        client.get(f"/api/v1/me/plans/{plan['plan_id']}", headers=learner).json))
    assert page["enrolment_status"] == "learning" and page["exams_missing"] == 1

    # The required course's exam is passed (in exam): the plan passes.
    exam = ForeignProducer("exam", amqp_uri, tmp_path)
    exam.publish("exam_passed", {"exam_id": 7, "user_id": user_id,
                                 "course_id": required["course_id"], "plan_id": plan["plan_id"],
                                 "score": 86, "passed_at": datetime.now(timezone.utc)})
    passed = eventually(lambda: (lambda p: p if p["enrolment_status"] == "passed" else None)(
        client.get(f"/api/v1/me/plans/{plan['plan_id']}", headers=learner).json))
    assert passed["enrolment_status_label"] == "已通过"
    assert eventually(lambda: watcher.of("plan_completed"))[0]["payload"]["total_hours"] == "8.0"

    certificate = eventually(lambda: _certificate(client, learner, passed["enrolment_id"]),
                             timeout=30)
    pdf = client.get(certificate["url"])
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    digest = hashlib.sha256(pdf.data).hexdigest()
    assert digest == certificate["sha256"]
    _assert_signed(pdf.data)

    verified = client.get(f"/api/v1/certificates/{certificate['code']}")
    assert verified.status_code == 200
    assert (verified.json["status_label"], verified.json["plan_name"],
            verified.json["hours_total"], verified.json["sha256"]) == \
        ("有效", plan["name"], "8.0", digest)
    assert verified.json["learner_name"] == "张三"
    assert eventually(lambda: watcher.of("certificate_issued"))[0]["payload"]["sha256"] == digest

    revoked = client.post(f"/api/v1/admin/certificates/{certificate['code']}/revocation",
                          headers=operator, json={"reason": "信息有误，重新核发"})
    assert revoked.status_code == 200, revoked.json
    after = client.get(f"/api/v1/certificates/{certificate['code']}").json
    assert (after["status_label"], after["revoked_reason"]) == ("已撤销", "信息有误，重新核发")


def _try_player(client, headers, clock, chapter_id):
    response = client.post("/api/v1/me/playbacks", headers=headers,
                           json={"chapter_id": chapter_id, "mode": "restart"})
    if response.status_code != 201:
        return None
    return Player(client, headers, clock, chapter_id)


def _certificate(client, headers, enrolment_id):
    response = client.get(f"/api/v1/me/archive/{enrolment_id}/certificate", headers=headers)
    return response.json if response.status_code == 200 else None


def _assert_signed(data):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from asn1crypto import pem, x509

    from services.learning.signing_key import ensure_signing_key
    _, cert_path = ensure_signing_key()
    _, _, der = pem.unarmor(open(cert_path, "rb").read())
    reader = PdfFileReader(io.BytesIO(data))
    assert len(reader.embedded_signatures) == 1
    status = validate_pdf_signature(reader.embedded_signatures[0], ValidationContext(
        trust_roots=[x509.Certificate.load(der)]))
    assert status.intact and status.valid, status.pretty_print_details()
