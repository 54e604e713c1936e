"""Starting a chapter: the resume prompt's answer (继续学习 from the saved position, 重新学习
from the start), a new playback session that takes over from any other device, the
playback token the gateway checks heartbeats with, and a short-lived signed link to the
video (the free preview for anyone who may browse the course, the whole video only for a
learner who may watch it)."""
import uuid

from sqlalchemy import and_, insert, select, update

from services.common.errors import Conflict, Forbidden, NotFound

from . import playback_tokens
from .courses import get_chapter, get_course
from .domain.crediting import furthest_ms, merge
from .enrolment import watchable_plan
from .models import chapter_progress, playbacks, plan_courses, plans
from .operators import require_learner
from .settings import heartbeat_interval_seconds

MEDIA_MIN_TTL = 1800  # a video link outlives the playback it starts (seconds)


def media_link(storage, key, duration_ms):
    ttl = max(MEDIA_MIN_TTL, int(duration_ms or 0) // 1000 * 2)
    return storage.signed_link(key, ttl).replace("/api/v1/files/", "/api/v1/media/", 1)


def saved(uow, user_id, chapter_id):
    row = uow.session.execute(select(chapter_progress).where(
        chapter_progress.c.user_id == int(user_id),
        chapter_progress.c.chapter_id == int(chapter_id))).mappings().first()
    return dict(row) if row else None


def start(uow, storage, actor, chapter_id, mode="resume"):
    require_learner(actor)
    chapter = get_chapter(uow, chapter_id)
    if not chapter["video_key"] or not chapter["duration_ms"]:
        raise Conflict("chapter_has_no_video", "本节视频尚未上传")
    plan = watchable_plan(uow, actor["user_id"], chapter["course_id"])
    progress = saved(uow, actor["user_id"], chapter["id"]) or {}
    segments = merge(progress.get("segments") or [])
    position = 0
    if mode == "resume":
        position = min(progress.get("last_position_ms") or 0, furthest_ms(segments))
        if position >= chapter["duration_ms"] - 1000:
            position = 0  # watched to the end: start again
    now = uow.clock.now()
    session_id = str(uuid.uuid4())
    values = {"session_id": session_id, "chapter_id": chapter["id"],
              "course_id": chapter["course_id"], "duration_ms": chapter["duration_ms"],
              "started_at": now, "last_seq": 0, "last_position_ms": position, "last_at": now,
              "playing": False, "anchor_at": now, "credited_since_anchor_ms": 0,
              "last_verdict": None}
    taken = uow.session.execute(update(playbacks).where(
        playbacks.c.user_id == actor["user_id"]).values(**values)).rowcount
    if not taken:
        uow.session.execute(insert(playbacks).values(user_id=actor["user_id"], **values))
    uow.commit()
    return {
        "session_id": session_id,
        "token": playback_tokens.issue(actor["user_id"], chapter["id"], session_id,
                                       chapter["duration_ms"], now.timestamp()),
        "chapter_id": chapter["id"], "course_id": chapter["course_id"],
        "plan_id": plan["id"], "title": chapter["title"],
        "media_url": media_link(storage, chapter["video_key"], chapter["duration_ms"]),
        "video_type": chapter["video_type"], "duration_ms": chapter["duration_ms"],
        "start_position_ms": position, "furthest_ms": furthest_ms(segments),
        "covered_ms": progress.get("covered_ms") or 0,
        "completed": progress.get("completed_at") is not None,
        "heartbeat_interval_seconds": heartbeat_interval_seconds()}


def status(uow, actor, session_id):
    """What the server made of this device's heartbeats so far: whether this session is
    still the learner's active one (another device may have taken over), and the
    chapter's progress."""
    require_learner(actor)
    current = uow.session.execute(select(playbacks).where(
        playbacks.c.user_id == actor["user_id"])).mappings().first()
    if current is None:
        raise NotFound("playback_not_found", "没有正在进行的学习")
    active = current["session_id"] == session_id
    progress = saved(uow, actor["user_id"], current["chapter_id"]) or {}
    answer = {"active": active, "chapter_id": current["chapter_id"],
              "covered_ms": progress.get("covered_ms") or 0,
              "duration_ms": current["duration_ms"],
              "furthest_ms": furthest_ms(merge(progress.get("segments") or [])),
              "completed": progress.get("completed_at") is not None,
              "last_verdict": current["last_verdict"] if active else "stale",
              "message": None if active else "您已在其他设备或页面开始学习，本页面的学习已停止计时"}
    return answer


def preview(uow, storage, actor, course_id):
    """试看: the first minutes of the course, for anyone signed in who may see a plan
    that offers it."""
    course = get_course(uow, course_id)
    from .courses import chapter_rows
    first = next((c for c in chapter_rows(uow, course["id"]) if c["preview_key"]), None)
    if course["status"] != "active" or first is None:
        raise NotFound("preview_not_available", "本课程暂无试看")
    offered = uow.session.execute(select(plan_courses.c.plan_id).join(
        plans, and_(plans.c.id == plan_courses.c.plan_id, plans.c.status == "published"))
        .where(plan_courses.c.course_id == course["id"])).first()
    if offered is None:
        raise Forbidden("preview_not_available", "本课程暂无试看")
    return {"course_id": course["id"], "title": course["title"],
            "preview_seconds": course["preview_seconds"], "video_type": first["video_type"],
            "media_url": media_link(storage, first["preview_key"], course["preview_seconds"] * 1000)}
