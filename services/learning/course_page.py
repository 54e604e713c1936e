"""课程详情 for a learner: the course, its teacher and 目录 (chapters) with the learner's
progress in each — the saved position the player's resume prompt offers — and whether the
learner may watch it now (and why not)."""
from sqlalchemy import select

from services.common.errors import DomainError, NotFound

from .courses import course_view, get_course
from .domain.crediting import furthest_ms, merge
from .enrolment import watchable_plan
from .models import chapter_progress, course_progress
from .operators import require_learner


def learner_course(uow, storage, actor, course_id):
    require_learner(actor)
    course = get_course(uow, course_id)
    answer = course_view(uow, storage, course, with_chapters=True)
    if course["status"] != "active":
        raise NotFound("course_not_found", "课程不存在")
    try:
        plan = watchable_plan(uow, actor["user_id"], course["id"])
        answer |= {"watchable": True, "reason": None, "plan_id": plan["id"]}
    except DomainError as refusal:
        answer |= {"watchable": False, "reason": refusal.detail, "plan_id": None}
    progress = {r["chapter_id"]: r for r in uow.session.execute(select(chapter_progress).where(
        chapter_progress.c.user_id == actor["user_id"],
        chapter_progress.c.course_id == course["id"])).mappings()}
    for chapter in answer["chapters"]:
        row = progress.get(chapter["chapter_id"])
        duration = chapter["duration_ms"] or 0
        covered = row["covered_ms"] if row else 0
        chapter |= {
            "progress_percent": 100 if row and row["completed_at"] else (
                min(99, covered * 100 // duration) if duration else 0),
            "completed": bool(row and row["completed_at"]),
            "saved_position_ms": min(row["last_position_ms"],
                                     furthest_ms(merge(row["segments"]))) if row else 0}
    overall = uow.session.execute(select(course_progress).where(
        course_progress.c.user_id == actor["user_id"],
        course_progress.c.course_id == course["id"])).mappings().first()
    total = answer["duration_ms"] or 0
    answer["completed"] = bool(overall and overall["completed_at"])
    answer["progress_percent"] = 100 if answer["completed"] else (
        min(99, (overall["covered_ms"] if overall else 0) * 100 // total) if total else 0)
    return answer
