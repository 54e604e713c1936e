"""The heartbeat route as production serves it: gunicorn with the gateway's uvicorn worker
(`gateway.asgi:asgi()`), answering the route on its event loop and publishing with
confirms (work_bus.py). The in-process tests reach the Flask view, which shares the
rule but not the door; here a real gateway process, on the test's vhost, in front of the
test's services, takes heartbeats at real time — and refuses bad ones as the Flask door
does. Then the publisher alone against a broker of its own that is killed and restarted.
"""
import asyncio
import time

import pytest
import requests

from gateway.work_bus import WorkBus
from services.learning import heartbeat_queue as heartbeats_queue
from gateway.rpc import ServiceUnavailable
from tests.conftest import eventually
from tests.integration.conftest import make_platform, running_gateway
from tests.learning_helpers import make_course, new_learner, operator_headers, published_plan

pytestmark = pytest.mark.integration
PATH = "/api/v1/me/heartbeats"


@pytest.fixture
def gateway_process(tmp_path, amqp_uri):
    with running_gateway(tmp_path, amqp_uri, "identity,orgtree,learning") as url:
        yield url


@pytest.fixture
def world(start_services, uow_factory, amqp_uri, tmp_path, gateway_process):
    platform = make_platform(start_services, uow_factory, amqp_uri, captcha="off")
    client = platform["client"]
    operator = operator_headers(client, uow_factory)
    course = make_course(client, operator, tmp_path, "必修课", "1.0")
    plan = published_plan(client, operator, [{"course_id": course["course_id"],
                                              "kind": "required"}],
                          total_hours="1.0", required_hours="1.0")
    learner, _ = new_learner(client, platform["orgs"]["open"])
    assert client.post(f"/api/v1/me/plans/{plan['plan_id']}/activation",
                       headers=learner).status_code == 200
    started = client.post("/api/v1/me/playbacks", headers=learner, json={
        "chapter_id": course["chapters"][0]["chapter_id"], "mode": "restart"})
    assert started.status_code == 201, started.json
    return {**platform, "url": gateway_process, "learner": learner, "operator": operator,
            "session": started.json}


def send(world, headers, body=None, **options):
    return requests.post(world["url"] + PATH, headers=headers, json=body, timeout=10,
                         **options)


def test_the_gateway_process_takes_heartbeats_on_its_event_loop_and_credits_real_time(world):
    session, learner = world["session"], world["learner"]
    token = session["token"]
    played = send(world, learner, {"token": token, "seq": 1, "event": "play",
                                   "position": "0"})
    assert played.status_code == 202, played.text
    assert played.json() == {"accepted": True, "session_id": session["session_id"]}
    assert played.headers["X-Request-Id"]
    time.sleep(3)
    ticked = send(world, {**learner, "X-Request-Id": "hb-test-1"},
                  {"token": token, "seq": 2, "event": "tick", "position": "3.000"})
    assert ticked.status_code == 202 and ticked.headers["X-Request-Id"] == "hb-test-1"

    def covered():
        status = world["client"].get(f"/api/v1/me/playbacks/{session['session_id']}",
                                     headers=learner).json
        return status if status["covered_ms"] > 0 else None
    assert eventually(covered, timeout=15)["covered_ms"] == 3000


def test_the_gateway_process_refuses_bad_heartbeats_as_problems(world):
    session, learner, client = world["session"], world["learner"], world["client"]
    token = session["token"]
    other, _ = new_learner(client, world["orgs"]["open"])
    good = {"token": token, "seq": 1, "event": "play", "position": "0"}
    cases = [
        (learner, {**good, "token": token[:-3] + "abc"}, 403, "playback_token_invalid"),
        (other, good, 403, "playback_token_invalid"),
        (world["operator"], good, 403, "role_forbidden"),
        ({}, good, 401, "token_missing"),
        ({"Authorization": "Bearer not-a-token"}, good, 401, "token_invalid"),
        (learner, {**good, "position": "25"}, 422, "position_out_of_range"),
        (learner, {**good, "position": "-1"}, 422, "validation_failed"),
        (learner, {**good, "seq": 0}, 422, "validation_failed"),
        (learner, {**good, "event": "rewind"}, 422, "validation_failed"),
        (learner, {**good, "extra": 1}, 422, "validation_failed"),
        (learner, [good], 422, "validation_failed"),
    ]
    for headers, body, status, code in cases:
        answer = send(world, headers, body)
        assert (answer.status_code, answer.json()["code"]) == (status, code), body
        assert answer.headers["Content-Type"] == "application/problem+json"
        assert answer.json()["title"] and answer.json()["detail"]
    raw = [("text/plain", b"{}", 415, "unsupported_media_type"),
           ("application/json", b"{not json", 422, "validation_failed"),
           ("application/json", b"{" + b" " * 5000 + b"}", 413, "payload_too_large")]
    for content_type, data, status, code in raw:
        answer = requests.post(world["url"] + PATH, data=data, timeout=10,
                               headers={**learner, "Content-Type": content_type})
        assert (answer.status_code, answer.json()["code"]) == (status, code), data[:20]
    answer = requests.get(world["url"] + PATH, headers=learner, timeout=10)
    assert (answer.status_code, answer.json()["code"]) == (405, "method_not_allowed")
    # None of it reached learning: the session has seen no heartbeat.
    status = client.get(f"/api/v1/me/playbacks/{session['session_id']}", headers=learner).json
    assert status["covered_ms"] == 0 and status["last_verdict"] is None
    # Everything else still goes to Flask through the same door.
    assert requests.get(world["url"] + "/api/v1/me/plans", headers=learner,
                        timeout=10).status_code == 200


def test_the_publisher_answers_within_its_timeout_while_the_broker_is_dead_and_recovers(
        private_broker):
    """A heartbeat is 202 only when the broker has it; while the broker is dead the
    answer is a 503 within the publish timeout, and after the broker returns the same
    publisher (one robust connection) publishes again by itself."""
    async def scenario():
        bus = WorkBus(private_broker.url, heartbeats_queue.WORK, timeout=2)
        beat = {"user_id": 1, "session_id": "s", "chapter_id": 1, "seq": 1,
                "event": "play", "position_ms": 0, "from_position_ms": None,
                "received_at": "2026-12-01T00:00:00+00:00"}
        await asyncio.gather(*(bus.publish({**beat, "seq": n}) for n in range(1, 21)))
        private_broker.kill9()
        for _ in range(3):
            started = time.monotonic()
            with pytest.raises(ServiceUnavailable):
                await bus.publish(beat)
            assert time.monotonic() - started < 2.5
        private_broker.restart()
        deadline = time.monotonic() + 60
        while True:
            try:
                await bus.publish({**beat, "seq": 21})
                break
            except ServiceUnavailable:
                assert time.monotonic() < deadline, "the publisher never came back"
                await asyncio.sleep(0.5)
        await bus.close()
    asyncio.run(scenario())
    # The 20 confirmed before the crash survived it (persistent, on a durable queue), in
    # groups; and the one after the restart is there too.
    from kombu import Connection
    from services.learning import heartbeat_queue
    seqs = []
    with Connection(private_broker.url) as connection:
        queue = heartbeat_queue.QUEUE(connection.channel())
        while (message := queue.get(no_ack=True)) is not None:
            body = message.payload
            seqs += [beat["seq"] for beat in (body if isinstance(body, list) else [body])]
    assert sorted(seqs) == list(range(1, 22))
