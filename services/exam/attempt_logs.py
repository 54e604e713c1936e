"""考试记录 for the operator: an exam's attempts (who, when, how it ended, the score, how
often the page lost focus) and one attempt's log — start, resumes, saves, focus lost,
submit or expiry — to review what happened."""
from sqlalchemy import func, select

from services.common.clock import as_utc
from services.common.errors import NotFound
from services.common.paging import page_request, paged

from . import people
from .access import require_operator
from .models import attempt_log, attempts

CLOSED_BY = {"learner": "交卷", "deadline": "到时自动交卷"}


def _row(r, who):
    return {"attempt_id": r["id"], "exam_id": r["exam_id"], "user_id": r["user_id"],
            **who.get(r["user_id"], {"username": None, "real_name": None,
                                     "id_number_masked": None}),
            "number": r["number"], "status": r["status"],
            "started_at": as_utc(r["started_at"]).isoformat(),
            "deadline_at": as_utc(r["deadline_at"]).isoformat(),
            "submitted_at": as_utc(r["submitted_at"]).isoformat() if r["submitted_at"] else None,
            "closed_by": r["closed_by"], "closed_by_label": CLOSED_BY.get(r["closed_by"]),
            "score": r["score"], "passed": r["passed"], "answered": len(r["answers"] or {})}


def listing(uow, actor, exam_id, query):
    require_operator(actor)
    rows = select(attempts).where(attempts.c.exam_id == int(exam_id))
    if query.get("user_id"):
        rows = rows.where(attempts.c.user_id == int(query["user_id"]))
    answer = paged(uow.session, rows.order_by(attempts.c.id.desc()), page_request(query))
    who = people.COPY.names(uow, {r["user_id"] for r in answer["items"]})
    ids = [r["id"] for r in answer["items"]]
    lost = dict(uow.session.execute(select(attempt_log.c.attempt_id, func.count()).where(
        attempt_log.c.attempt_id.in_(ids), attempt_log.c.kind == "focus_lost")
        .group_by(attempt_log.c.attempt_id)).all()) if ids else {}
    answer["items"] = [_row(r, who) | {"focus_lost": lost.get(r["id"], 0)}
                       for r in answer["items"]]
    return answer


def detail(uow, actor, attempt_id):
    require_operator(actor)
    row = uow.session.execute(select(attempts).where(attempts.c.id == int(attempt_id))
                              ).mappings().first()
    if row is None:
        raise NotFound("attempt_not_found", "考试记录不存在")
    who = people.COPY.names(uow, {row["user_id"]})
    entries = uow.session.execute(select(attempt_log).where(
        attempt_log.c.attempt_id == row["id"]).order_by(attempt_log.c.id)).mappings().all()
    return _row(row, who) | {
        "focus_lost": sum(1 for e in entries if e["kind"] == "focus_lost"),
        "log": [{"kind": e["kind"], "at": as_utc(e["at"]).isoformat(), "detail": e["detail"]}
                for e in entries]}
