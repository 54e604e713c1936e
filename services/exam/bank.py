"""题库: each course's questions, kept by the operator — added and edited one by one, or
imported from the template (question_import.py) and exported to the same template. A
question used by an exam is retired rather than deleted, so papers already given keep it."""
from sqlalchemy import func, insert, select, update

from services.common import sheets
from services.common.clock import as_utc
from services.common.errors import InvalidInput, NotFound
from services.common.paging import page_request, paged

from .access import require_operator
from .domain import questions as rules
from .models import questions

# (header, what it holds) — the import template and the export share them.
HEADERS = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "选项E", "选项F", "答案", "难度",
           "知识点", "解析"]


def check(data):
    """A valid rules.Question from the operator's form or a template row; InvalidInput
    naming the fields."""
    try:
        return rules.check(data.get("type"), data.get("stem"), data.get("options"),
                           data.get("answer"), data.get("difficulty", 2),
                           data.get("tags") or (), data.get("analysis"))
    except rules.QuestionInvalid as exc:
        raise InvalidInput("question_invalid", "；".join(exc.errors.values()),
                           fields={k: [v] for k, v in exc.errors.items()}) from None


def tag_text(tags):
    """The tags as the bank searches them: ",政策,法规," (a tag holds no comma)."""
    return "," + ",".join(tags) + "," if tags else ""


def _values(question):
    return {"type": question.type, "stem": question.stem, "options": question.options,
            "answer": question.answer, "difficulty": question.difficulty,
            "tags": question.tags, "tag_text": tag_text(question.tags),
            "analysis": question.analysis}


def view(row):
    return {"question_id": row["id"], "course_id": row["course_id"], "type": row["type"],
            "type_label": rules.TYPE_LABELS[row["type"]], "stem": row["stem"],
            "options": row["options"], "answer": row["answer"],
            "difficulty": row["difficulty"],
            "difficulty_label": rules.DIFFICULTY_LABELS[row["difficulty"]],
            "tags": row["tags"], "analysis": row["analysis"], "status": row["status"],
            "updated_at": as_utc(row["updated_at"]).isoformat()}


def add(uow, actor, course_id, data):
    require_operator(actor)
    values = _values(check(data))
    now = uow.clock.now()
    question_id = uow.session.execute(insert(questions).values(
        course_id=int(course_id), status="active", created_at=now, updated_at=now,
        **values)).inserted_primary_key[0]
    return view(_get(uow, question_id))


def _get(uow, question_id, lock=False):
    query = select(questions).where(questions.c.id == int(question_id))
    row = uow.session.execute(query.with_for_update() if lock else query).mappings().first()
    if row is None:
        raise NotFound("question_not_found", "试题不存在")
    return row


def change(uow, actor, question_id, data):
    """An edit applies to papers drawn from now on; papers already given keep theirs."""
    require_operator(actor)
    _get(uow, question_id, lock=True)
    uow.session.execute(update(questions).where(questions.c.id == int(question_id)).values(
        updated_at=uow.clock.now(), **_values(check(data))))
    return view(_get(uow, question_id))


def retire(uow, actor, question_id, active=False):
    """停用 (or 启用 again): a retired question is never drawn into a new paper."""
    require_operator(actor)
    _get(uow, question_id, lock=True)
    uow.session.execute(update(questions).where(questions.c.id == int(question_id)).values(
        status="active" if active else "retired", updated_at=uow.clock.now()))
    return view(_get(uow, question_id))


def listing(uow, actor, course_id, query):
    """A course's bank: by type, difficulty, knowledge point, words of the stem, status."""
    require_operator(actor)
    rows = select(questions).where(questions.c.course_id == int(course_id))
    if query.get("type"):
        rows = rows.where(questions.c.type == query["type"])
    if query.get("difficulty"):
        rows = rows.where(questions.c.difficulty == int(query["difficulty"]))
    if query.get("status"):
        rows = rows.where(questions.c.status == query["status"])
    if query.get("q"):
        rows = rows.where(questions.c.stem.like(f"%{_literal(query['q'])}%", escape="\\"))
    if query.get("tag"):
        rows = rows.where(questions.c.tag_text.like(f"%,{_literal(query['tag'])},%",
                                                    escape="\\"))
    answer = paged(uow.session, rows.order_by(questions.c.id), page_request(query))
    answer["items"] = [view(r) for r in answer["items"]]
    answer["counts"] = dict(uow.session.execute(
        select(questions.c.type, func.count()).where(
            questions.c.course_id == int(course_id), questions.c.status == "active")
        .group_by(questions.c.type)).all())
    return answer


def _literal(text):
    """`text` matched literally by LIKE (its % and _ escaped)."""
    return str(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def active_bank(uow, course_id):
    """The course's questions that may be drawn, as the paper rules read them."""
    return [dict(r) for r in uow.session.execute(
        select(questions.c.id, questions.c.type, questions.c.stem, questions.c.options,
               questions.c.answer, questions.c.difficulty, questions.c.tags)
        .where(questions.c.course_id == int(course_id), questions.c.status == "active")
        .order_by(questions.c.id)).mappings()]


def row_of(row):
    """A question as a template row (what the export writes and the import reads)."""
    options = [o["text"] for o in row["options"]] + [""] * 6
    if row["type"] == "judge":
        answer = "对" if row["answer"][0] else "错"
    elif row["type"] == "fill":
        answer = "；".join("|".join(accepted) for accepted in row["answer"])
    else:
        answer = "".join(row["answer"])
    return [rules.TYPE_LABELS[row["type"]], row["stem"], *options[:6], answer,
            rules.DIFFICULTY_LABELS[row["difficulty"]], ",".join(row["tags"] or []),
            row["analysis"] or ""]


def export(uow, actor, course_id):
    """The course's active questions in the import template's columns (.xlsx bytes)."""
    require_operator(actor)
    rows = uow.session.execute(select(questions).where(
        questions.c.course_id == int(course_id), questions.c.status == "active")
        .order_by(questions.c.id)).mappings()
    return sheets.table("题库", HEADERS, (row_of(r) for r in rows))


def require_course_bank(uow, course_id, wanted):
    """Raises unless the course's bank holds every question id in `wanted`."""
    held = set(uow.session.execute(select(questions.c.id).where(
        questions.c.course_id == int(course_id), questions.c.status == "active",
        questions.c.id.in_(list(wanted)))).scalars())
    missing = sorted(set(wanted) - held)
    if missing:
        raise InvalidInput("paper_rule_invalid", "以下试题不在本课程的题库中或已停用："
                           + "、".join(str(q) for q in missing[:20]),
                           fields={"paper_rule": ["试题不在题库中"]})
