"""learning's refusals and guarantees through the gateway and the real broker: bad
heartbeats get a clear answer and no credit, a second device takes over, redelivered
heartbeats change nothing, activation and purchase are refused outside the window, scope
or deadline, unpaid and refunded courses cannot be watched, forged media links and
non-video uploads are refused with nothing written, a closed plan stops everything until
it is reopened, the course list imports with a failure report, and the player's moments
reach an LRS."""
import io
import json
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import sqlalchemy as sa
from kombu import Connection, Producer
from openpyxl import Workbook, load_workbook

from services.learning import heartbeat_queue
from services.learning.course_import import HEADERS
from services.learning.domain.calendar import shanghai_today
from services.learning.models import chapters, chapter_progress, courses
from tests.builders import png_scan
from tests.conftest import eventually
from tests.foreign_producer import ForeignProducer
from tests.integration.conftest import make_platform
from tests.learning_helpers import (Player, make_course, new_learner, operator_headers,
                                    published_plan)

pytestmark = pytest.mark.integration


@pytest.fixture
def lrs():
    """A local HTTP receiver playing a Learning Record Store."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, self.headers.get("X-Experience-API-Version"),
                             json.loads(body)))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"[]")

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/xapi", received
    server.shutdown()


@pytest.fixture
def world(start_services, uow_factory, amqp_uri, clock, tmp_path, lrs):
    platform = make_platform(start_services, uow_factory, amqp_uri, captcha="off", clock=clock,
                             LRS_ENDPOINT=lrs[0])
    client = platform["client"]
    operator = operator_headers(client, uow_factory)
    required = make_course(client, operator, tmp_path, "必修课", "6.0")
    elective = make_course(client, operator, tmp_path, "选修课甲", "2.0")
    elective2 = make_course(client, operator, tmp_path, "选修课乙", "1.5")
    plan = published_plan(client, operator, [
        {"course_id": required["course_id"], "kind": "required", "exam_required": True},
        {"course_id": elective["course_id"], "kind": "elective"},
        {"course_id": elective2["course_id"], "kind": "elective"}])
    learner, user_id = new_learner(client, platform["orgs"]["open"])
    assert client.post(f"/api/v1/me/plans/{plan['plan_id']}/activation",
                       headers=learner).status_code == 200
    return {**platform, "operator": operator, "plan": plan, "learner": learner,
            "user_id": user_id, "required": required, "elective": elective,
            "elective2": elective2, "lrs": lrs[1], "amqp_uri": amqp_uri, "clock": clock}


def heartbeat(client, headers, **body):
    return client.post("/api/v1/me/heartbeats", headers=headers, json=body)


def test_bad_heartbeats_are_refused_clearly_and_earn_nothing(world):
    client, learner, clock = world["client"], world["learner"], world["clock"]
    chapter = world["required"]["chapters"][0]
    player = Player(client, learner, clock, chapter["chapter_id"])
    token = player.session["token"]
    other, _ = new_learner(client, world["orgs"]["open"])
    cases = [
        (learner, {"token": token[:-3] + "abc", "seq": 1, "event": "play", "position": "0"},
         403, "playback_token_invalid"),
        (other, {"token": token, "seq": 1, "event": "play", "position": "0"},
         403, "playback_token_invalid"),
        (learner, {"token": token, "seq": 1, "event": "tick", "position": "99999"},
         422, "validation_failed"),
        (learner, {"token": token, "seq": 1, "event": "tick", "position": "25"},
         422, "position_out_of_range"),
        (learner, {"token": token, "seq": 1, "event": "tick", "position": "-1"},
         422, "validation_failed"),
        (learner, {"token": token, "seq": 0, "event": "tick", "position": "1"},
         422, "validation_failed"),
        (learner, {"token": token, "seq": 1, "event": "rewind", "position": "1"},
         422, "validation_failed"),
        (learner, {"seq": 1, "event": "tick", "position": "1"}, 422, "validation_failed"),
    ]
    for headers, body, status, code in cases:
        response = heartbeat(client, headers, **body)
        assert (response.status_code, response.json["code"]) == (status, code), body
        assert response.mimetype == "application/problem+json"
        assert response.json["detail"]  # a Chinese sentence, not a stack trace
    # Faster than real time: credited at wall-clock speed only.
    player.beat("play", 0)
    player.beat("tick", 20, after=5)
    status = player.wait_until(lambda s: s["last_verdict"] == "clamped")
    assert status["covered_ms"] == 5_500
    # Back into the watched part; then out of order: a later sequence number arrives first
    # and the earlier one, arriving after it, earns nothing.
    player.beat("seek", 5, from_position=20)
    player.seq += 1
    player.beat("tick", 10, after=5)
    player.wait_until(lambda s: s["covered_ms"] == 10_000)
    player.seq -= 2
    player.beat("tick", 8)
    player.seq += 1
    player.beat("pause", 10, after=1)
    status = player.wait_until(lambda s: s["last_verdict"] == "no_credit")
    assert status["covered_ms"] == 10_000


def test_a_second_device_takes_over_and_the_first_stops_earning(world):
    client, learner, clock = world["client"], world["learner"], world["clock"]
    chapter = world["required"]["chapters"][0]["chapter_id"]
    laptop = Player(client, learner, clock, chapter)
    laptop.beat("play", 0)
    laptop.beat("tick", 5, after=5)
    laptop.wait_until(lambda s: s["covered_ms"] == 5_000)
    phone = Player(client, learner, clock, chapter, mode="resume")
    assert phone.session["start_position_ms"] == 5_000
    laptop.beat("tick", 10, after=5)  # accepted at the door, earns nothing
    phone.beat("play", 5)
    phone.beat("tick", 8, after=3)
    phone.wait_until(lambda s: s["covered_ms"] == 8_000)
    stale = laptop.status()
    assert stale["active"] is False and "其他设备" in stale["message"]
    assert stale["covered_ms"] == 8_000


def test_redelivered_heartbeats_change_nothing(world):
    client, learner, clock = world["client"], world["learner"], world["clock"]
    chapter = world["required"]["chapters"][0]["chapter_id"]
    player = Player(client, learner, clock, chapter)
    sent = [("play", 0, 0), ("tick", 6, 6), ("tick", 12, 6)]
    for event, position, after in sent:
        player.beat(event, position, after=after)
    player.wait_until(lambda s: s["covered_ms"] == 12_000)
    # The broker hands the same messages out again (a consumer died before its ack).
    with Connection(world["amqp_uri"]) as connection:
        producer = Producer(connection.channel(), exchange=heartbeat_queue.EXCHANGE,
                            routing_key=heartbeat_queue.ROUTING_KEY)
        at = clock.now()
        for seq, (event, position, _) in enumerate(sent, 1):
            producer.publish({"user_id": world["user_id"],
                              "session_id": player.session["session_id"],
                              "chapter_id": chapter, "seq": seq, "event": event,
                              "position_ms": position * 1000, "from_position_ms": None,
                              "received_at": (at + timedelta(seconds=30)).isoformat()})
    player.beat("pause", 12, after=1)
    status = player.wait_until(lambda s: s["last_verdict"] == "no_credit")
    assert status["covered_ms"] == 12_000
    with world["uow"]("learning")() as uow:
        row = uow.session.execute(sa.select(chapter_progress).where(
            chapter_progress.c.chapter_id == chapter)).mappings().one()
    assert row["segments"] == [[0, 12_000]]


def test_activation_purchase_and_watching_are_refused_with_reasons(world, tmp_path):
    client, operator, learner = world["client"], world["operator"], world["learner"]
    today = shanghai_today(datetime.now(timezone.utc))
    past = published_plan(client, operator, [
        {"course_id": world["required"]["course_id"], "kind": "required"}],
        name="往年计划", opens_on=(today - timedelta(days=60)).isoformat(),
        closes_on=(today - timedelta(days=1)).isoformat(),
        pay_deadline=(today - timedelta(days=2)).isoformat())
    refused = client.post(f"/api/v1/me/plans/{past['plan_id']}/activation", headers=learner)
    assert (refused.status_code, refused.json["code"]) == (409, "plan_not_open")
    elsewhere = published_plan(client, operator, [
        {"course_id": world["required"]["course_id"], "kind": "required"}],
        name="外市计划", scope_org_id=world["orgs"]["other_bureau"])
    refused = client.post(f"/api/v1/me/plans/{elsewhere['plan_id']}/activation", headers=learner)
    assert (refused.status_code, refused.json["code"]) == (403, "plan_out_of_scope")
    assert "单位" in refused.json["detail"]
    listed = {p["plan_id"] for p in client.get("/api/v1/me/plans", headers=learner).json["items"]}
    assert listed == {world["plan"]["plan_id"]}

    plan_id, elective = world["plan"]["plan_id"], world["elective"]
    chapter = elective["chapters"][0]["chapter_id"]
    refused = client.post("/api/v1/me/playbacks", headers=learner, json={"chapter_id": chapter})
    assert (refused.status_code, refused.json["code"]) == (403, "course_not_selected")
    refused = client.post(f"/api/v1/me/plans/{plan_id}/quote", headers=learner,
                          json={"course_ids": [world["required"]["course_id"]]})
    assert (refused.status_code, refused.json["code"]) == (422, "required_course_free")
    quote = client.post(f"/api/v1/me/plans/{plan_id}/quote", headers=learner,
                        json={"course_ids": [elective["course_id"],
                                             world["elective2"]["course_id"]]})
    assert quote.status_code == 200
    assert [(line["hours"], line["price_fen"]) for line in quote.json["lines"]] == \
        [("2.0", 1000), ("1.5", 750)]
    assert quote.json["total_fen"] == 1750 and quote.json["cards_allowed"] is True

    # A forged or expired media link is refused; the real one streams by ranges.
    course = client.get(f"/api/v1/me/courses/{world['required']['course_id']}",
                        headers=learner).json
    assert course["watchable"] is True
    session = Player(client, learner, world["clock"],
                     world["required"]["chapters"][0]["chapter_id"]).session
    media = session["media_url"]
    ranged = client.get(media, headers={"Range": "bytes=0-99"})
    assert ranged.status_code == 206 and len(ranged.data) == 100
    assert ranged.headers["Content-Type"] == "video/webm"
    forged = media.replace("sig=", "sig=0")
    assert client.get(forged).status_code == 403
    other_key = media.replace(f"/videos/{world['required']['chapters'][0]['chapter_id']}/",
                              f"/videos/{chapter}/")
    assert client.get(other_key).status_code == 403

    # A file that is not a video is refused, and the chapter keeps no video.
    empty = client.post(f"/api/v1/admin/courses/{elective['course_id']}/chapters",
                        headers=operator, json={"title": "第二节"}).json
    upload = client.post(f"/api/v1/admin/chapters/{empty['chapter_id']}/video", headers=operator,
                         content_type="multipart/form-data",
                         data={"file": (io.BytesIO(png_scan()), "lesson.mp4")})
    assert (upload.status_code, upload.json["code"]) == (422, "video_type_not_allowed")
    with world["uow"]("learning")() as uow:
        row = uow.session.execute(sa.select(chapters).where(
            chapters.c.id == empty["chapter_id"])).mappings().one()
    assert row["video_key"] is None and row["duration_ms"] is None


def test_paid_courses_open_refunds_withdraw_the_unstudied_and_a_closed_plan_stops_all(
        world, tmp_path):
    client, learner, clock = world["client"], world["learner"], world["clock"]
    plan_id, user_id = world["plan"]["plan_id"], world["user_id"]
    first, second = world["elective"], world["elective2"]
    billing = ForeignProducer("billing", world["amqp_uri"], tmp_path)
    order = {"order_no": "CPE202612010000000042", "user_id": user_id, "plan_id": plan_id,
             "lines": [{"kind": "course", "course_id": c["course_id"], "hours": c["hours"],
                        "price_fen": 1000} for c in (first, second)],
             "total_fen": 2000, "channel": "balance", "paid_at": datetime.now(timezone.utc)}
    billing.publish("order_paid", order)
    billing.publish("order_paid", order)  # a duplicate notification changes nothing
    page = eventually(lambda: (lambda p: p if len(p["courses"]) == 3 else None)(
        client.get(f"/api/v1/me/plans/{plan_id}", headers=learner).json))
    assert page["hours"]["elective_selected"] == "3.5"
    refused = client.post(f"/api/v1/me/plans/{plan_id}/quote", headers=learner,
                          json={"course_ids": [first["course_id"]]})
    assert (refused.status_code, refused.json["code"]) == (409, "already_bought")

    studied = Player(client, learner, clock, first["chapters"][0]["chapter_id"])
    studied.beat("play", 0)
    studied.beat("tick", 5, after=5)
    studied.wait_until(lambda s: s["covered_ms"] == 5_000)
    billing.publish("order_refunded", {
        "order_no": order["order_no"], "refund_no": "R1", "user_id": user_id,
        "plan_id": plan_id, "course_ids": [first["course_id"], second["course_id"]],
        "whole": True, "amount_fen": 2000, "refunded_at": datetime.now(timezone.utc)})
    page = eventually(lambda: (lambda p: p if len(p["courses"]) == 2 else None)(
        client.get(f"/api/v1/me/plans/{plan_id}", headers=learner).json))
    assert {c["course_id"] for c in page["courses"]} == {world["required"]["course_id"],
                                                         first["course_id"]}
    refused = client.post("/api/v1/me/playbacks", headers=learner,
                          json={"chapter_id": second["chapters"][0]["chapter_id"]})
    assert refused.json["code"] == "course_not_selected"

    # 系统下线: a closed plan can be neither studied nor printed until it is reopened.
    operator = world["operator"]
    assert client.post(f"/api/v1/admin/plans/{plan_id}/close", headers=operator,
                       json={}).status_code == 200
    refused = client.post("/api/v1/me/playbacks", headers=learner,
                          json={"chapter_id": first["chapters"][0]["chapter_id"]})
    assert (refused.status_code, refused.json["code"]) == (403, "plan_closed")
    enrolment = page["enrolment_id"]
    refused = client.post(f"/api/v1/me/archive/{enrolment}/print", headers=learner)
    assert (refused.status_code, refused.json["code"]) == (409, "plan_closed")
    today = shanghai_today(datetime.now(timezone.utc))
    reopened = client.post(f"/api/v1/admin/plans/{plan_id}/reopen", headers=operator,
                           json={"closes_on": (today + timedelta(days=7)).isoformat()})
    assert reopened.status_code == 200 and reopened.json["status"] == "published"
    printed = client.post(f"/api/v1/me/archive/{enrolment}/print", headers=learner)
    assert printed.status_code == 200
    assert client.get(printed.json["url"]).data.startswith(b"%PDF")


def test_the_operator_imports_a_course_list_and_gets_the_failures_by_row(world):
    client, operator = world["client"], world["operator"]
    template = client.get("/api/v1/admin/courses/import-template", headers=operator).json
    sheet = load_workbook(io.BytesIO(client.get(template["url"]).data)).active
    assert [c.value for c in sheet[1]] == HEADERS
    workbook = Workbook()
    rows = workbook.active
    rows.append(HEADERS)
    rows.append(["导入课程一", "周老师", "讲师", None, "2.0", "简介", "60", "第1节|第2节"])
    rows.append(["导入课程二", None, None, None, "1.0", None, None, None])       # no teacher
    rows.append(["导入课程三", "吴老师", None, None, "abc", None, None, None])   # bad hours
    rows.append(["导入课程一", "周老师", None, None, "3.0", None, None, None])   # repeated
    buf = io.BytesIO()
    workbook.save(buf)
    started = client.post("/api/v1/admin/courses/imports", headers=operator,
                          content_type="multipart/form-data",
                          data={"file": (io.BytesIO(buf.getvalue()), "课程.xlsx")})
    assert started.status_code == 202, started.json
    job = eventually(lambda: (lambda j: j if j["status"] in ("done", "failed") else None)(
        client.get(f"/api/v1/admin/courses/imports/{started.json['job_id']}",
                   headers=operator).json), timeout=20)
    assert (job["status"], job["imported"], job["failed"]) == ("done", 1, 3)
    report = load_workbook(io.BytesIO(client.get(job["failure_report_url"]).data)).active
    reasons = {row[0]: row[-1] for row in report.iter_rows(min_row=2, values_only=True)}
    assert set(reasons) == {3, 4, 5}
    assert "讲师为必填项" in reasons[3] and "学时" in reasons[4] and "重复" in reasons[5]
    with world["uow"]("learning")() as uow:
        made = uow.session.execute(sa.select(courses.c.id).where(
            courses.c.title == "导入课程一")).scalar_one()
        titles = uow.session.execute(sa.select(chapters.c.title).where(
            chapters.c.course_id == made).order_by(chapters.c.seq)).scalars().all()
    assert titles == ["第1节", "第2节"]
    bad = client.post("/api/v1/admin/courses/imports", headers=operator,
                      content_type="multipart/form-data",
                      data={"file": (io.BytesIO(png_scan()), "课程.xlsx")})
    assert (bad.status_code, bad.json["code"]) == (422, "file_not_xlsx")


def test_the_players_moments_reach_the_learning_record_store(world):
    client, learner, clock = world["client"], world["learner"], world["clock"]
    chapter = world["required"]["chapters"][0]["chapter_id"]
    player = Player(client, learner, clock, chapter)
    player.beat("play", 0)
    player.beat("tick", 5, after=5)
    player.beat("seek", 3, after=1, from_position=6)
    player.beat("pause", 4, after=1)
    received = eventually(lambda: sum(len(batch) for _, _, batch in world["lrs"]) >= 3 and
                          world["lrs"], timeout=15)
    statements = [s for _, _, batch in received for s in batch]
    assert {path for path, _, _ in received} == {"/xapi/statements"}
    assert {version for _, version, _ in received} == {"1.0.3"}
    verbs = [s["verb"]["id"].rsplit("/", 1)[-1] for s in statements]
    assert verbs == ["played", "seeked", "paused"]
    seeked = statements[1]["result"]["extensions"]
    assert seeked["https://w3id.org/xapi/video/extensions/time-from"] == 6.0
    assert seeked["https://w3id.org/xapi/video/extensions/time-to"] == 3.0
    assert statements[0]["actor"]["account"]["name"] == str(world["user_id"])
    assert statements[0]["context"]["extensions"][
        "https://w3id.org/xapi/video/extensions/session-id"] == player.session["session_id"]
