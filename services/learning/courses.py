"""课程 and their chapters, run by the operator: teacher, hours, description, cover,
chapters with their videos. A video is checked by its content (container, codecs,
duration read from the file) and its free preview cut into a file of its own, so a learner
who may only preview can never fetch more."""
import io
import uuid

from PIL import Image, UnidentifiedImageError
from sqlalchemy import func, insert, select, update

from services.common.errors import InvalidInput, NotFound
from services.common.paging import page_request, paged
from services.common.schema import load
from services.common.settings import env

from . import media
from .contracts import ChapterBody, CourseBody, CourseQuery
from .domain import hours as hrs
from .models import chapters, courses
from .operators import require_operator

UPLOAD_PREFIX = "learning/uploads/"
IMAGE_MAX_BYTES = 2 * 1024 * 1024
LINK_TTL_SECONDS = 3600


def video_max_bytes():
    return int(env("VIDEO_MAX_MB", "500")) * 1024 * 1024


def get_course(uow, course_id):
    row = uow.session.execute(select(courses).where(courses.c.id == int(course_id))
                              ).mappings().first()
    if row is None:
        raise NotFound("course_not_found", "课程不存在")
    return dict(row)


def get_chapter(uow, chapter_id):
    row = uow.session.execute(select(chapters).where(chapters.c.id == int(chapter_id))
                              ).mappings().first()
    if row is None:
        raise NotFound("chapter_not_found", "章节不存在")
    return dict(row)


def chapter_rows(uow, course_id):
    return [dict(r) for r in uow.session.execute(
        select(chapters).where(chapters.c.course_id == int(course_id))
        .order_by(chapters.c.seq)).mappings()]


def image_link(storage, key):
    return storage.signed_link(key, LINK_TTL_SECONDS) if key else None


def course_view(uow, storage, course, with_chapters=False):
    answer = {"course_id": course["id"], "title": course["title"],
              "teacher_name": course["teacher_name"], "teacher_title": course["teacher_title"],
              "teacher_profile": course["teacher_profile"],
              "teacher_photo_url": image_link(storage, course["teacher_photo_key"]),
              "hours": hrs.text(course["hours"]), "description": course["description"],
              "cover_url": image_link(storage, course["cover_key"]),
              "preview_seconds": course["preview_seconds"], "status": course["status"]}
    if with_chapters:
        answer["chapters"] = [chapter_view(c) for c in chapter_rows(uow, course["id"])]
        answer["chapter_count"] = len(answer["chapters"])
        answer["duration_ms"] = sum(c["duration_ms"] or 0 for c in answer["chapters"])
    return answer


def chapter_view(chapter):
    return {"chapter_id": chapter["id"], "course_id": chapter["course_id"],
            "seq": chapter["seq"], "title": chapter["title"],
            "duration_ms": chapter["duration_ms"], "has_video": bool(chapter["video_key"]),
            "video_type": chapter["video_type"]}


def create(uow, storage, actor, data):
    require_operator(actor)
    clean = load(CourseBody(), data)
    _check_hours(clean)
    course_id = uow.session.execute(insert(courses).values(
        **clean, created_at=uow.clock.now())).inserted_primary_key[0]
    uow.commit()
    return course_view(uow, storage, get_course(uow, course_id), with_chapters=True)


def _check_hours(clean):
    if hrs.hours(clean["hours"]) <= 0:
        raise InvalidInput("course_invalid", "课程学时须大于0", fields={"hours": ["学时须大于0"]})


def change(uow, storage, actor, course_id, data):
    require_operator(actor)
    get_course(uow, course_id)
    clean = load(CourseBody(), data)
    _check_hours(clean)
    uow.session.execute(update(courses).where(courses.c.id == int(course_id)).values(**clean))
    uow.commit()
    return course_view(uow, storage, get_course(uow, course_id), with_chapters=True)


def listing(uow, storage, actor, query):
    require_operator(actor)
    clean = load(CourseQuery(), query)
    rows = select(courses).order_by(courses.c.id.desc())
    if clean["q"]:
        rows = rows.where(courses.c.title.contains(clean["q"], autoescape=True))
    answer = paged(uow.session, rows, page_request(clean),
                   view=lambda r: course_view(uow, storage, dict(r)))
    counts = dict(uow.session.execute(
        select(chapters.c.course_id, func.count()).where(
            chapters.c.course_id.in_([i["course_id"] for i in answer["items"]]))
        .group_by(chapters.c.course_id)).all())
    for item in answer["items"]:
        item["chapter_count"] = counts.get(item["course_id"], 0)
    return answer


def detail(uow, storage, actor, course_id):
    require_operator(actor)
    return course_view(uow, storage, get_course(uow, course_id), with_chapters=True)


def add_chapter(uow, actor, course_id, data):
    require_operator(actor)
    get_course(uow, course_id)
    clean = load(ChapterBody(), data)
    seq = clean["seq"] or (uow.session.execute(
        select(func.coalesce(func.max(chapters.c.seq), 0)).where(
            chapters.c.course_id == int(course_id))).scalar() + 1)
    taken = uow.session.execute(select(chapters.c.id).where(
        chapters.c.course_id == int(course_id), chapters.c.seq == seq)).first()
    if taken:
        raise InvalidInput("chapter_seq_taken", f"第{seq}节已存在", fields={"seq": ["序号已存在"]})
    chapter_id = uow.session.execute(insert(chapters).values(
        course_id=int(course_id), seq=seq, title=clean["title"], created_at=uow.clock.now())
    ).inserted_primary_key[0]
    uow.commit()
    return chapter_view(get_chapter(uow, chapter_id))


def rename_chapter(uow, actor, chapter_id, data):
    require_operator(actor)
    chapter = get_chapter(uow, chapter_id)
    clean = load(ChapterBody(), data)
    uow.session.execute(update(chapters).where(chapters.c.id == chapter["id"]).values(
        title=clean["title"]))
    uow.commit()
    return chapter_view(get_chapter(uow, chapter_id))


def _upload_path(storage, key):
    if not key or not key.startswith(UPLOAD_PREFIX) or ".." in key:
        raise InvalidInput("upload_invalid", "上传的文件无效，请重新上传")
    if not storage.exists(key):
        raise NotFound("upload_not_found", "上传的文件不存在或已过期，请重新上传")
    return storage.local_path(key)


def attach_video(uow, storage, actor, chapter_id, key, offload=lambda f, *a: f(*a)):
    """Check the upload the gateway stored under `key`, cut its preview, and make it the
    chapter's video. A bad file is deleted at once and nothing else changes."""
    require_operator(actor)
    chapter = get_chapter(uow, chapter_id)
    course = get_course(uow, chapter["course_id"])
    path = _upload_path(storage, key)
    try:
        info = offload(media.check_upload, path, video_max_bytes())
    except InvalidInput:
        storage.delete(key)
        raise
    stem = f"learning/videos/{chapter['id']}/{uuid.uuid4().hex}"
    video_key = f"{stem}.{info.container}"
    preview_key = None
    storage.put(video_key, storage.open(key))
    storage.delete(key)
    if course["preview_seconds"] > 0 and chapter["seq"] == 1:
        preview_key = f"{stem}-preview.{info.container}"
        offload(media.make_preview, storage.local_path(video_key),
                storage.local_path(preview_key), course["preview_seconds"])
    uow.session.execute(update(chapters).where(chapters.c.id == chapter["id"]).values(
        video_key=video_key, preview_key=preview_key, duration_ms=info.duration_ms,
        video_type=info.container))
    uow.commit()
    return chapter_view(get_chapter(uow, chapter_id))


def attach_image(uow, storage, actor, course_id, what, key):
    """课程封面 (cover) or 讲师照片 (teacher_photo): a JPEG or PNG of at most 2 MB."""
    require_operator(actor)
    get_course(uow, course_id)
    column = {"cover": "cover_key", "teacher_photo": "teacher_photo_key"}.get(what)
    if column is None:
        raise InvalidInput("image_kind_invalid", "图片类型无效")
    path = _upload_path(storage, key)
    data = path.read_bytes()
    try:
        if len(data) > IMAGE_MAX_BYTES:
            raise InvalidInput("image_too_large", "图片不能超过2MB")
        try:
            with Image.open(io.BytesIO(data)) as image:
                fmt = (image.format or "").lower()
                if fmt not in ("jpeg", "png") or image.width * image.height > 20_000_000:
                    raise InvalidInput("image_invalid", "图片须为JPG或PNG格式")
                image.load()
        except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError):
            raise InvalidInput("image_invalid", "图片须为JPG或PNG格式") from None
    except InvalidInput:
        storage.delete(key)
        raise
    final = f"learning/images/{course_id}/{uuid.uuid4().hex}.{'jpg' if fmt == 'jpeg' else 'png'}"
    storage.put(final, data)
    storage.delete(key)
    uow.session.execute(update(courses).where(courses.c.id == int(course_id)).values(
        **{column: final}))
    uow.commit()
    return course_view(uow, storage, get_course(uow, course_id), with_chapters=True)
