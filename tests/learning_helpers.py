"""Building blocks of the learning tests, through the gateway as a client would: an
operator's plan with real videos, a learner who activates it, a player that sends
heartbeats at a moved clock."""
import io
from datetime import datetime, timedelta, timezone

from services.learning import media
from services.learning.domain.calendar import shanghai_today
from tests.builders import registration
from tests.conftest import eventually
from tests.integration.conftest import operator_account
from tests.integration.test_gateway_flow import bearer, login, wait_until_active

CHAPTER_SECONDS = 20


def operator_headers(client, uow_factory):
    operator_account(uow_factory)
    return bearer(login(client, "operator", "Operator@2026", role="operator").json)


def video_bytes(tmp_path, seconds=CHAPTER_SECONDS, pattern=0):
    path = tmp_path / f"v{seconds}-{pattern}.webm"
    if not path.exists():
        media.generate_demo_video(path, seconds, pattern=pattern)
    return path.read_bytes()


def make_course(client, headers, tmp_path, title, hours, chapters=1, preview_seconds=5):
    course = client.post("/api/v1/admin/courses", headers=headers, json={
        "title": title, "teacher_name": "王老师", "teacher_title": "教授", "hours": hours,
        "description": f"{title}的课程简介", "preview_seconds": preview_seconds})
    assert course.status_code == 201, course.json
    course_id = course.json["course_id"]
    for n in range(chapters):
        chapter = client.post(f"/api/v1/admin/courses/{course_id}/chapters", headers=headers,
                              json={"title": f"第{n + 1}节"})
        assert chapter.status_code == 201, chapter.json
        uploaded = client.post(
            f"/api/v1/admin/chapters/{chapter.json['chapter_id']}/video", headers=headers,
            content_type="multipart/form-data",
            data={"file": (io.BytesIO(video_bytes(tmp_path, pattern=n)), "第1节.webm")})
        assert uploaded.status_code == 200, uploaded.json
        assert abs(uploaded.json["duration_ms"] - CHAPTER_SECONDS * 1000) < 300
    return client.get(f"/api/v1/admin/courses/{course_id}", headers=headers).json


def plan_body(courses, **overrides):
    today = shanghai_today(datetime.now(timezone.utc))
    body = {"name": f"{today.year}年公需科目", "year": today.year, "kind": "public",
            "total_hours": "8.0", "required_hours": "6.0", "pricing": "per_hour",
            "price_per_hour_fen": 500, "required_free": True, "cards_allowed": True,
            "opens_on": (today - timedelta(days=30)).isoformat(),
            "closes_on": (today + timedelta(days=30)).isoformat(),
            "pay_deadline": (today + timedelta(days=10)).isoformat(),
            "courses": courses}
    body.update(overrides)
    return body


def published_plan(client, headers, courses, **overrides):
    plan = client.post("/api/v1/admin/plans", headers=headers, json=plan_body(courses, **overrides))
    assert plan.status_code == 201, plan.json
    published = client.post(f"/api/v1/admin/plans/{plan.json['plan_id']}/publish",
                            headers=headers, json={})
    assert published.status_code == 200, published.json
    return published.json


def new_learner(client, org_id, **overrides):
    person = registration(org_id, **overrides)
    assert client.post("/api/v1/auth/register", json=person).status_code == 201
    tokens = wait_until_active(client, person["username"], person["password"]).json
    return bearer(tokens), tokens["user"]["user_id"]


class Player:
    """Plays one chapter as the web client does: start (resume or restart), then
    heartbeats with a growing sequence number, each after moving the gateway's clock."""

    def __init__(self, client, headers, clock, chapter_id, mode="restart"):
        self.client, self.headers, self.clock = client, headers, clock
        started = client.post("/api/v1/me/playbacks", headers=headers,
                              json={"chapter_id": chapter_id, "mode": mode})
        assert started.status_code == 201, started.json
        self.session = started.json
        self.seq = 0

    def beat(self, event, position, after=0.0, from_position=None, expect=202):
        self.clock.advance(seconds=after)
        self.seq += 1
        body = {"token": self.session["token"], "seq": self.seq, "event": event,
                "position": f"{position:.3f}"}
        if from_position is not None:
            body["from_position"] = f"{from_position:.3f}"
        response = self.client.post("/api/v1/me/heartbeats", headers=self.headers, json=body)
        assert response.status_code == expect, response.json
        return response

    def watch_to_end(self, step=5):
        duration = self.session["duration_ms"] / 1000
        position = self.session["start_position_ms"] / 1000
        self.beat("play", position)
        while position < duration:
            nxt = min(duration, position + step)
            self.beat("tick" if nxt < duration else "end", nxt, after=nxt - position)
            position = nxt

    def status(self):
        return self.client.get(f"/api/v1/me/playbacks/{self.session['session_id']}",
                               headers=self.headers).json

    def wait_until(self, check, timeout=15):
        return eventually(lambda: (lambda s: s if check(s) else None)(self.status()),
                          timeout=timeout)
