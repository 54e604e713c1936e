"""Sitting an exam. Starting an attempt fixes its paper (drawn with the attempt's seed) and
its deadline, kept by the server: the start plus the exam's duration, never after the
exam closes. A second tab or device continues the open attempt, never a new one. Answers
are saved as the learner goes; 交卷 grades at once; at the deadline the attempt is closed
and graded from the last saved answers even if the client never returns (a timer, and
any later touch). Starting beyond the allowed count is refused: the learner's candidate
row is locked while counting, so racing starts cannot pass the limit.

Lock order, everywhere: the candidate row, then the attempt — so grading (which needs
both) and saving (the attempt only) never deadlock."""
import secrets
from datetime import datetime, timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from services.common.clock import as_utc
from services.common.errors import Conflict, Forbidden, InvalidInput, NotFound

from . import bank, eligibility
from .access import require_learner
from .domain import grading, papers, standing
from .models import attempt_log, attempts, candidates, exams, learners

FOCUS_KINDS = ("focus_lost", "focus_back")
# 交卷 travels through a queue (submissions.py): the deadline sweep waits this long past a
# deadline, so a submission accepted in time is graded with its answers, not without.
SWEEP_GRACE = timedelta(seconds=30)
LATE_TOLERANCE = timedelta(seconds=2)  # a click at 00:00 on the countdown still counts


def log(uow, attempt_id, kind, detail=None):
    uow.session.execute(insert(attempt_log).values(attempt_id=attempt_id, kind=kind,
                                                   at=uow.clock.now(), detail=detail))


def _candidate(uow, exam_id, user_id, lock=False):
    query = select(candidates).where(candidates.c.exam_id == exam_id,
                                     candidates.c.user_id == user_id)
    return uow.session.execute(query.with_for_update() if lock else query).mappings().first()


def _open_attempt(uow, exam_id, user_id, lock=False):
    query = select(attempts).where(attempts.c.exam_id == exam_id,
                                   attempts.c.user_id == user_id, attempts.c.status == "open")
    return uow.session.execute(query.with_for_update() if lock else query).mappings().first()


def _exam(uow, exam_id):
    row = uow.session.execute(select(exams).where(exams.c.id == int(exam_id))
                              ).mappings().first()
    if row is None or row["status"] == "draft":
        raise NotFound("exam_not_found", "考试不存在")
    return row


def start(uow, actor, exam_id):
    """The learner's open attempt of the exam — a new one, or the one already open."""
    user_id = require_learner(actor)
    exam = _exam(uow, exam_id)
    now = uow.clock.now()
    candidate = _candidate(uow, exam["id"], user_id, lock=True)
    if candidate is None:
        if not eligibility.eligible(uow, exam, user_id):
            raise Forbidden("exam_not_eligible", standing.NOT_COMPLETED)
        try:
            with uow.session.begin_nested():
                eligibility.open_to(uow, exam, user_id)
        except IntegrityError:
            pass  # opened by a start racing this one
        candidate = _candidate(uow, exam["id"], user_id, lock=True)
    held = _open_attempt(uow, exam["id"], user_id, lock=True)
    if held is not None:
        if as_utc(held["deadline_at"]) > now:
            log(uow, held["id"], "resume")
            return learner_view(uow, exam, held, now)
        _grade(uow, exam, candidate, held, "deadline", now)
        candidate = _candidate(uow, exam["id"], user_id, lock=True)
    if exam["status"] != "published" or now >= as_utc(exam["closes_at"]):
        raise Conflict("exam_ended", "考试已结束")
    if now < as_utc(exam["opens_at"]):
        raise Conflict("exam_not_started", "考试尚未开始")
    if candidate["passed_at"] is not None:
        raise Conflict("exam_already_passed", "您已通过该考试")
    left = standing.left(exam["attempts_allowed"], exam["exempt_attempts"],
                         candidate["attempts_taken"])
    if not left.any:
        raise Conflict("attempts_exhausted", "考试次数已用完")
    seed = secrets.randbits(48)
    try:
        chosen = papers.pick(exam["paper_rule"], bank.active_bank(uow, exam["bank_course_id"]),
                             seed)
    except papers.RuleInvalid:
        raise Conflict("paper_unavailable", "试卷暂时无法生成，请联系管理员检查题库") from None
    paper, key = papers.paper(chosen, seed, exam["shuffle_questions"], exam["shuffle_options"])
    deadline = min(now + timedelta(minutes=exam["duration_minutes"]),
                   as_utc(exam["closes_at"]))
    attempt_id = uow.session.execute(insert(attempts).values(
        exam_id=exam["id"], user_id=user_id, number=candidate["attempts_taken"] + 1,
        token=secrets.token_hex(16), status="open", paper=paper, answer_key=key, answers={},
        marked=[], seed=seed, started_at=now, deadline_at=deadline)).inserted_primary_key[0]
    uow.session.execute(update(candidates).where(
        candidates.c.exam_id == exam["id"], candidates.c.user_id == user_id).values(
        attempts_taken=candidates.c.attempts_taken + 1, last_attempt_at=now))
    log(uow, attempt_id, "start", {"questions": len(paper)})
    return learner_view(uow, exam, _by_id(uow, attempt_id), now)


def _by_id(uow, attempt_id):
    return uow.session.execute(select(attempts).where(attempts.c.id == attempt_id)
                               ).mappings().one()


def own_attempt(uow, actor, token, lock=False):
    """The learner's attempt named by `token`; another learner's, or a made-up token, is
    not found (the same answer, so tokens cannot be probed)."""
    user_id = require_learner(actor)
    query = select(attempts).where(attempts.c.token == str(token)[:32],
                                   attempts.c.user_id == user_id)
    row = uow.session.execute(query.with_for_update() if lock else query).mappings().first()
    if row is None:
        raise NotFound("attempt_not_found", "考试记录不存在")
    return row


def _closed_now(uow, attempt, now):
    """Grades an open attempt past its deadline and the grace a queued 交卷 may need (its
    learner never came back); True if it was closed so."""
    if attempt["status"] != "open" or as_utc(attempt["deadline_at"]) + SWEEP_GRACE > now:
        return False
    exam = _exam(uow, attempt["exam_id"])
    candidate = _candidate(uow, exam["id"], attempt["user_id"], lock=True)
    fresh = uow.session.execute(select(attempts).where(attempts.c.id == attempt["id"])
                                .with_for_update()).mappings().one()
    if fresh["status"] == "open":
        _grade(uow, exam, candidate, fresh, "deadline", now)
    return True


def view(uow, actor, token):
    attempt = own_attempt(uow, actor, token)
    now = uow.clock.now()
    if _closed_now(uow, attempt, now):
        attempt = own_attempt(uow, actor, token)
    return learner_view(uow, _exam(uow, attempt["exam_id"]), attempt, now)


def _read_answers(attempt, answers):
    by_id = {str(e["id"]): e for e in attempt["paper"]}
    read, errors = {}, {}
    for qid, value in (answers or {}).items():
        entry = by_id.get(str(qid))
        if entry is None:
            errors[str(qid)] = ["该题不在本次试卷中"]
            continue
        try:
            read[str(qid)] = grading.read_answer(entry, value)
        except grading.AnswerInvalid as exc:
            errors[str(qid)] = [exc.message]
    if errors:
        raise InvalidInput("answer_invalid", "答案有误：" + "；".join(
            m[0] for m in errors.values()), fields={f"answers.{k}": v for k, v in errors.items()})
    return read


def _check_marked(attempt, marked):
    if marked is None:
        return None
    ids = {e["id"] for e in attempt["paper"]}
    wanted = sorted({int(q) for q in marked if str(q).isdigit()})
    if len(wanted) != len(set(marked)) or any(q not in ids for q in wanted):
        raise InvalidInput("answer_invalid", "标记的试题不在本次试卷中",
                           fields={"marked": ["标记的试题不在本次试卷中"]})
    return wanted


def save(uow, actor, token, answers, marked=None):
    """自动保存: merges the answers given (None clears one) and replaces the marks."""
    attempt = own_attempt(uow, actor, token, lock=True)
    now = uow.clock.now()
    if attempt["status"] != "open":
        raise Conflict("attempt_closed", "本次考试已交卷")
    if as_utc(attempt["deadline_at"]) <= now:
        raise Conflict("attempt_closed", "考试时间已到，已按最后保存的答案自动交卷")
    read = _read_answers(attempt, answers)
    marks = _check_marked(attempt, marked)
    merged = {**attempt["answers"], **read}
    merged = {k: v for k, v in merged.items() if v is not None}
    values = {"answers": merged, "saved_at": now}
    if marks is not None:
        values["marked"] = marks
    uow.session.execute(update(attempts).where(attempts.c.id == attempt["id"]).values(**values))
    log(uow, attempt["id"], "save", {"answered": len(merged), "changed": sorted(read)})
    return {"saved_at": now.isoformat(), "answered": len(merged),
            "deadline_at": as_utc(attempt["deadline_at"]).isoformat(),
            "server_time": now.isoformat()}


def report(uow, actor, token, kind):
    """What the client saw (the page lost focus, came back), kept for the operator."""
    if kind not in FOCUS_KINDS:
        raise InvalidInput("event_invalid", "不支持的考试事件", fields={"kind": ["取值不正确"]})
    attempt = own_attempt(uow, actor, token)
    if attempt["status"] == "open":
        log(uow, attempt["id"], kind)
    return {"recorded": attempt["status"] == "open"}


def submit(uow, actor, token, answers=None, marked=None):
    """交卷: the answers given with it saved, then graded at once."""
    user_id = require_learner(actor)
    peek = own_attempt(uow, actor, token)
    exam = _exam(uow, peek["exam_id"])
    candidate = _candidate(uow, exam["id"], user_id, lock=True)
    attempt = own_attempt(uow, actor, token, lock=True)
    now = uow.clock.now()
    if attempt["status"] != "open":
        return learner_view(uow, exam, attempt, now)  # a double click: the same result
    if as_utc(attempt["deadline_at"]) <= now:
        _grade(uow, exam, candidate, attempt, "deadline", now)
    else:
        if answers:
            save(uow, actor, token, answers, marked)
            attempt = own_attempt(uow, actor, token, lock=True)
        _grade(uow, exam, candidate, attempt, "learner", now)
    return learner_view(uow, exam, _by_id(uow, attempt["id"]), now)


def apply_submission(uow, item):
    """交卷 as the gateway accepted it (user_id, token, answers, marked, submitted_at):
    the answers saved and the attempt graded — once: a repeat, or a submission for an
    attempt the deadline already closed, changes nothing. Answers that do not fit the
    paper are not saved (the last saved ones are graded) and the log says so. Returns
    whether it graded."""
    peek = uow.session.execute(select(attempts.c.exam_id, attempts.c.user_id).where(
        attempts.c.token == str(item["token"])[:32],
        attempts.c.user_id == int(item["user_id"]))).first()
    if peek is None:
        return False
    exam = _exam(uow, peek.exam_id)
    candidate = _candidate(uow, peek.exam_id, peek.user_id, lock=True)
    attempt = uow.session.execute(select(attempts).where(
        attempts.c.token == str(item["token"])[:32]).with_for_update()).mappings().one()
    if attempt["status"] != "open":
        return False
    at = datetime.fromisoformat(item["submitted_at"])
    deadline = as_utc(attempt["deadline_at"])
    if at > deadline + LATE_TOLERANCE:
        _grade(uow, exam, candidate, attempt, "deadline", uow.clock.now())
        return True
    try:
        read = _read_answers(attempt, item.get("answers") or {})
        marks = _check_marked(attempt, item.get("marked"))
    except InvalidInput as exc:
        log(uow, attempt["id"], "rejected", {"detail": exc.detail})
        read, marks = {}, None
    merged = {k: v for k, v in {**attempt["answers"], **read}.items() if v is not None}
    values = {"answers": merged, "saved_at": min(at, deadline)}
    if marks is not None:
        values["marked"] = marks
    uow.session.execute(update(attempts).where(attempts.c.id == attempt["id"]).values(**values))
    _grade(uow, exam, candidate, _by_id(uow, attempt["id"]), "learner", min(at, deadline))
    return True


def expire_due(db, now, limit=200):
    """Closes and grades attempts whose deadline passed SWEEP_GRACE ago (replicas share
    them: rows another holds are skipped). Returns how many it closed."""
    with db() as uow:
        due = uow.session.execute(
            select(attempts.c.id, attempts.c.exam_id, attempts.c.user_id).where(
                attempts.c.status == "open", attempts.c.deadline_at <= now - SWEEP_GRACE)
            .order_by(attempts.c.deadline_at).limit(limit)).all()
    closed = 0
    for attempt_id, exam_id, user_id in due:
        with db() as uow:
            candidate = _candidate(uow, exam_id, user_id, lock=True)
            attempt = uow.session.execute(select(attempts).where(
                attempts.c.id == attempt_id, attempts.c.status == "open")
                .with_for_update(skip_locked=True)).mappings().first()
            if attempt is None:
                continue
            _grade(uow, _exam(uow, exam_id), candidate, attempt, "deadline", now)
            uow.commit()
            closed += 1
    return closed


def _grade(uow, exam, candidate, attempt, closed_by, now):
    score, results = grading.grade(attempt["paper"], attempt["answer_key"], attempt["answers"])
    passed = score >= exam["pass_score"]
    at = min(now, as_utc(attempt["deadline_at"]))
    uow.session.execute(update(attempts).where(attempts.c.id == attempt["id"]).values(
        status="graded", submitted_at=at, closed_by=closed_by, score=score, passed=passed,
        results=results))
    log(uow, attempt["id"], "submit" if closed_by == "learner" else "expire",
        {"score": score, "answered": len(attempt["answers"])})
    scores = list(uow.session.execute(select(attempts.c.score).where(
        attempts.c.exam_id == exam["id"], attempts.c.user_id == attempt["user_id"],
        attempts.c.status == "graded").order_by(attempts.c.number)).scalars())
    counted = standing.counted(exam["score_rule"], scores)
    first_pass = candidate["passed_at"] is None and counted >= exam["pass_score"]
    uow.session.execute(update(candidates).where(
        candidates.c.exam_id == exam["id"], candidates.c.user_id == attempt["user_id"]).values(
        counted_score=counted, best_score=max(scores),
        passed_at=at if first_pass else candidate["passed_at"],
        version=candidates.c.version + 1))
    left = standing.left(exam["attempts_allowed"], exam["exempt_attempts"],
                         candidate["attempts_taken"])
    uow.add_event("attempt_submitted", {
        "attempt_id": attempt["id"], "exam_id": exam["id"], "user_id": attempt["user_id"],
        "course_id": exam["course_id"], "plan_id": exam["plan_id"],
        "number": attempt["number"], "score": score, "passed": passed,
        "counted_score": counted, "best_score": max(scores),
        "attempts_taken": candidate["attempts_taken"],
        "remaining_attempts": left.attempts, "remaining_exempt_attempts": left.exempt,
        "pass_score": exam["pass_score"], "closed_by": closed_by, "submitted_at": at})
    if first_pass:
        uow.add_event("exam_passed", {
            "exam_id": exam["id"], "user_id": attempt["user_id"],
            "course_id": exam["course_id"], "plan_id": exam["plan_id"], "score": counted,
            "passed_at": at})


def _may_review(rule, exam, passed, now):
    return {"never": False, "after_submit": True, "after_pass": passed,
            "after_close": now >= as_utc(exam["closes_at"])}[rule]


def learner_view(uow, exam, attempt, now):
    """The attempt as the learner may see it: the paper without the key while it is open;
    once graded, the score, and the answers and the key only as the exam's review rules
    allow."""
    person = uow.session.execute(select(learners).where(
        learners.c.user_id == attempt["user_id"])).mappings().first() or {}
    answer = {
        "token": attempt["token"], "exam_id": exam["id"], "exam_name": exam["name"],
        "number": attempt["number"], "status": attempt["status"],
        "total_score": exam["total_score"], "pass_score": exam["pass_score"],
        "duration_minutes": exam["duration_minutes"],
        "started_at": as_utc(attempt["started_at"]).isoformat(),
        "deadline_at": as_utc(attempt["deadline_at"]).isoformat(),
        "server_time": now.isoformat(),
        "candidate": {"real_name": person.get("real_name"),
                      "id_number_masked": person.get("id_number_masked"),
                      "username": person.get("username")}}
    graded = attempt["status"] == "graded"
    show_answers = not graded or _may_review(exam["review_answers"], exam, False, now)
    candidate = _candidate(uow, exam["id"], attempt["user_id"]) or {}
    show_key = graded and _may_review(exam["review_key"], exam,
                                      candidate.get("passed_at") is not None, now)
    questions = []
    for entry in attempt["paper"]:
        qid = str(entry["id"])
        item = {k: entry[k] for k in ("id", "type", "stem", "options", "score")}
        if "blanks" in entry:
            item["blanks"] = entry["blanks"]
        if show_answers:
            item["answer"] = attempt["answers"].get(qid)
        if graded and show_answers:
            item["points"] = (attempt["results"] or {}).get(qid, 0)
        if show_key:
            item["correct_answer"] = attempt["answer_key"][qid]
        questions.append(item)
    answer |= {"questions": questions, "marked": attempt["marked"] if not graded else [],
               "answered": len(attempt["answers"])}
    if graded:
        answer |= {"score": attempt["score"], "passed": attempt["passed"],
                   "submitted_at": as_utc(attempt["submitted_at"]).isoformat(),
                   "closed_by": attempt["closed_by"], "answers_shown": show_answers,
                   "key_shown": show_key}
    return answer


