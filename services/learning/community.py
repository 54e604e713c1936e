"""笔记 (notes at a video position, and 我的笔记 across courses), 讨论 (a course's
threads and their replies) and 问答 (questions to the teacher, answered by the operator
for the teacher), with the operator's moderation. Text is stored as typed and shown as
text by the client, never as HTML."""
from sqlalchemy import delete, insert, select, update

from services.common.clock import as_utc
from services.common.errors import Forbidden, NotFound
from services.common.paging import page_request, paged
from services.common.schema import load

from .contracts import AnswerBody, ModerationBody, NoteBody, NotePatch, PostBody, PostQuery
from .courses import get_chapter, get_course
from .enrolment import watchable_plan
from .models import chapters, courses, learners, notes, posts
from .operators import require_learner, require_operator


def _iso(value):
    return as_utc(value).isoformat() if value else None


def _note_view(row):
    return {"note_id": row["id"], "course_id": row["course_id"], "chapter_id": row["chapter_id"],
            "position": row["position_ms"] // 1000, "body": row["body"],
            "course_title": row.get("title"), "chapter_title": row.get("chapter_title"),
            "created_at": _iso(row["created_at"]), "updated_at": _iso(row["updated_at"])}


def add_note(uow, actor, course_id, data):
    require_learner(actor)
    clean = load(NoteBody(), data)
    chapter = get_chapter(uow, clean["chapter_id"])
    if chapter["course_id"] != int(course_id):
        raise NotFound("chapter_not_found", "章节不存在")
    watchable_plan(uow, actor["user_id"], course_id)
    now = uow.clock.now()
    note_id = uow.session.execute(insert(notes).values(
        user_id=actor["user_id"], course_id=int(course_id), chapter_id=chapter["id"],
        position_ms=clean["position"] * 1000, body=clean["body"], created_at=now,
        updated_at=now)).inserted_primary_key[0]
    uow.commit()
    return _note_view(_own_note(uow, actor, note_id))


def _own_note(uow, actor, note_id):
    row = uow.session.execute(select(notes).where(notes.c.id == int(note_id))).mappings().first()
    if row is None or row["user_id"] != actor["user_id"]:
        raise NotFound("note_not_found", "笔记不存在")
    return dict(row)


def change_note(uow, actor, note_id, data):
    require_learner(actor)
    clean = load(NotePatch(), data)
    _own_note(uow, actor, note_id)
    uow.session.execute(update(notes).where(notes.c.id == int(note_id)).values(
        body=clean["body"], updated_at=uow.clock.now()))
    uow.commit()
    return _note_view(_own_note(uow, actor, note_id))


def remove_note(uow, actor, note_id):
    require_learner(actor)
    _own_note(uow, actor, note_id)
    uow.session.execute(delete(notes).where(notes.c.id == int(note_id)))
    uow.commit()
    return {"note_id": int(note_id), "deleted": True}


def my_notes(uow, actor, query, course_id=None):
    """我的笔记 across courses (or one course's, in the player), newest first."""
    require_learner(actor)
    rows = (select(notes, courses.c.title, chapters.c.title.label("chapter_title"))
            .join(courses, courses.c.id == notes.c.course_id)
            .join(chapters, chapters.c.id == notes.c.chapter_id)
            .where(notes.c.user_id == actor["user_id"])
            .order_by(notes.c.created_at.desc(), notes.c.id.desc()))
    if course_id is not None:
        rows = rows.where(notes.c.course_id == int(course_id))
    return paged(uow.session, rows, page_request(query or {}), view=lambda r: _note_view(dict(r)))


def _post_view(row, replies=None):
    answer = {"post_id": row["id"], "kind": row["kind"], "course_id": row["course_id"],
              "chapter_id": row["chapter_id"], "thread_id": row["thread_id"],
              "author_name": row["author_name"], "body": row["body"],
              "status": row["status"], "hidden_reason": row["hidden_reason"],
              "answer": row["answer"], "answered_by_name": row["answered_by_name"],
              "answered_at": _iso(row["answered_at"]), "created_at": _iso(row["created_at"])}
    if replies is not None:
        answer["replies"] = replies
    return answer


def _author(actor):
    name = actor.get("real_name") or actor.get("username") or "学员"
    return name[0] + "*" * (len(name) - 1) if len(name) > 1 else name  # other learners read it


def add_post(uow, actor, course_id, kind, data, thread_id=None):
    """A discussion thread, a reply to one, or a question to the teacher; only a learner
    who has the course may write."""
    require_learner(actor)
    clean = load(PostBody(), data)
    get_course(uow, course_id)
    watchable_plan(uow, actor["user_id"], course_id)
    if thread_id is not None:
        thread = _post(uow, thread_id)
        if thread["course_id"] != int(course_id) or thread["kind"] != "discussion" \
                or thread["thread_id"] is not None or thread["status"] != "visible":
            raise NotFound("thread_not_found", "讨论不存在")
    post_id = uow.session.execute(insert(posts).values(
        kind=kind, course_id=int(course_id), chapter_id=clean["chapter_id"],
        thread_id=thread_id, user_id=actor["user_id"], author_name=_author(actor),
        body=clean["body"], status="visible", created_at=uow.clock.now())
    ).inserted_primary_key[0]
    uow.commit()
    return _post_view(_post(uow, post_id))


def _post(uow, post_id):
    row = uow.session.execute(select(posts).where(posts.c.id == int(post_id))).mappings().first()
    if row is None:
        raise NotFound("post_not_found", "内容不存在")
    return dict(row)


def course_posts(uow, actor, course_id, kind, query):
    """A course's threads (with their replies) or questions (with answers), newest
    first; hidden ones are left out (their authors see theirs, marked)."""
    get_course(uow, course_id)
    rows = (select(posts).where(posts.c.course_id == int(course_id), posts.c.kind == kind,
                                posts.c.thread_id.is_(None))
            .where((posts.c.status == "visible") | (posts.c.user_id == actor["user_id"]))
            .order_by(posts.c.created_at.desc(), posts.c.id.desc()))
    answer = paged(uow.session, rows, page_request(query or {}), view=lambda r: dict(r))
    ids = [r["id"] for r in answer["items"]]
    replies = {}
    if ids and kind == "discussion":
        for r in uow.session.execute(select(posts).where(
                posts.c.thread_id.in_(ids), posts.c.status == "visible")
                .order_by(posts.c.created_at, posts.c.id)).mappings():
            replies.setdefault(r["thread_id"], []).append(_post_view(dict(r)))
    answer["items"] = [_post_view(r, replies.get(r["id"], []) if kind == "discussion" else None)
                       for r in answer["items"]]
    return answer


def moderation_list(uow, actor, query):
    require_operator(actor)
    clean = load(PostQuery(), query or {})
    # The operator sees who wrote it (learners see a masked name).
    rows = (select(posts, courses.c.title, courses.c.teacher_name, learners.c.real_name,
                   learners.c.username)
            .join(courses, courses.c.id == posts.c.course_id)
            .outerjoin(learners, learners.c.user_id == posts.c.user_id)
            .where(posts.c.kind == clean["kind"]).order_by(posts.c.id.desc()))
    if clean["status"]:
        rows = rows.where(posts.c.status == clean["status"])
    if clean["course_id"]:
        rows = rows.where(posts.c.course_id == clean["course_id"])
    if clean["kind"] == "question" and not clean["status"]:
        rows = rows.order_by(None).order_by(posts.c.answered_at.is_not(None), posts.c.id.desc())

    def item(r):
        return _post_view(dict(r)) | {"course_title": r["title"], "teacher_name": r["teacher_name"],
                                      "author_real_name": r["real_name"],
                                      "author_username": r["username"]}
    return paged(uow.session, rows, page_request(clean), view=item)


def moderate(uow, actor, post_id, data):
    require_operator(actor)
    clean = load(ModerationBody(), data)
    _post(uow, post_id)
    uow.session.execute(update(posts).where(posts.c.id == int(post_id)).values(
        status=clean["status"], hidden_reason=clean["reason"] if clean["status"] == "hidden"
        else None))
    uow.commit()
    return _post_view(_post(uow, post_id))


def answer_question(uow, actor, post_id, data):
    """The teacher's answer, entered by the operator."""
    require_operator(actor)
    clean = load(AnswerBody(), data)
    post = _post(uow, post_id)
    if post["kind"] != "question":
        raise Forbidden("not_a_question", "只能回答问答中的提问")
    teacher = uow.session.execute(select(courses.c.teacher_name).where(
        courses.c.id == post["course_id"])).scalar()
    uow.session.execute(update(posts).where(posts.c.id == post["id"]).values(
        answer=clean["answer"], answered_by=actor["user_id"],
        answered_by_name=f"{teacher}老师", answered_at=uow.clock.now()))
    uow.commit()
    return _post_view(_post(uow, post_id))


