"""Demo plans, courses and a learner's history.   python -m services.learning.seed_demo

Reproduces the seeds with the current year in place of 2018 (a 2018 plan could not be
activated today): the year's public plan (32 学时 = 6 required + 26 elective, 500 fen an
hour, the required course free and examined), the four earlier years' make-up public
plans (two extra exams), two professional plans (工程技术类, 经济类, no exams), the
political-work plan (a flat 15,000 fen for 32 学时, payment closing on 11-30) and its
make-up plans (16,000 fen and 15,000 fen), and last year's public plan, closed. Every
chapter has a real video (a minute or so of a test pattern, made with the ffmpeg in the
imageio-ffmpeg wheel, twelve of them, cached under var/demo-videos). The demo learner zhangwei has
activated this year's public plan and watched half of its required course, passed the
工程技术类 plan (certificate issued) and last year's plan (its archive in 历史档案).

Runs after identity's seed, with the learning service up: it waits until learning has
the demo learner from identity's events. Events it writes are relayed by the service."""
import time
from pathlib import Path
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, insert, select, update

from services.common.scripting import UnitOfWorkFactory
from services.common.settings import REPO_ROOT, env
from services.common.storage import FileStorage

from . import courses as course_admin
from . import media, plans
from .domain import hours as hrs
from .domain.calendar import shanghai_today
from .models import courses as course_rows
from .models import (chapter_progress, chapters, course_progress, enrolments, exam_results,
                     inbox, learners, notes, outbox, plan_courses, posts, selections)
from .plan_completion import evaluate

OPERATOR = {"user_id": 0, "role": "operator", "username": "seed"}
DEMO_LEARNER = "zhangwei"
TEACHERS = {
    "李明": ("教授", "中央党校（国家行政学院）教授，长期从事马克思主义理论研究与教学。"),
    "陈静": ("研究员", "中国社会科学院研究员，研究方向为数字经济与产业政策。"),
    "王强": ("高级工程师", "天津市建筑设计院总工程师，从事 BIM 与绿色建筑技术推广。"),
    "赵敏": ("副教授", "南开大学经济学院副教授，主讲宏观经济与财税政策。"),
    "孙丽": ("教授", "天津师范大学心理学部教授，国家二级心理咨询师。"),
}
# key, title, teacher, hours, chapters
COURSES = [
    ("req0", "学习贯彻党的二十大精神，推进中国式现代化", "李明", "6.0", 3),
    ("req1", "国家和天津市“十四五”规划纲要解读", "李明", "6.0", 2),
    ("req2", "专业技术人员创新创业能力建设", "陈静", "6.0", 2),
    ("req3", "弘扬社会主义法治精神，全面推进依法治国", "李明", "6.0", 2),
    ("req4", "技术创新的方法", "陈静", "6.0", 2),
    ("ai", "人工智能与数字经济", "陈静", "4.0", 2),
    ("ethics", "专业技术人员职业道德与诚信建设", "李明", "3.0", 1),
    ("mind", "心理健康与压力管理", "孙丽", "2.0", 1),
    ("ip", "知识产权保护与运用", "陈静", "3.0", 1),
    ("security", "大数据时代的信息安全", "陈静", "4.0", 1),
    ("innovation", "创新思维与方法", "孙丽", "2.0", 1),
    ("communication", "沟通与协调能力提升", "孙丽", "2.0", 1),
    ("ecology", "生态文明建设与绿色发展", "李明", "4.0", 1),
    ("writing", "公文写作与处理", "赵敏", "2.0", 1),
    ("integrity", "科研诚信与学术规范", "陈静", "2.0", 1),
    ("bim", "BIM 技术在建筑工程中的应用", "王强", "4.0", 2),
    ("green", "绿色建筑与建筑节能", "王强", "4.0", 1),
    ("newtech", "建筑工程新技术应用", "王强", "4.0", 1),
    ("economy", "新发展格局下的经济形势分析", "赵敏", "4.0", 1),
    ("tax", "财政与税收政策解读", "赵敏", "4.0", 1),
    ("finance", "金融风险防范与化解", "赵敏", "4.0", 1),
    ("pol_req", "新时代企业思想政治工作", "李明", "8.0", 2),
    ("pol_culture", "企业文化建设实务", "孙丽", "8.0", 1),
    ("pol_talk", "政工人员沟通艺术", "孙丽", "8.0", 1),
    ("pol_case", "思想政治工作案例分析", "李明", "8.0", 1),
]
PUBLIC_ELECTIVES = ["ai", "ethics", "mind", "ip", "security", "innovation", "communication",
                    "ecology", "writing", "integrity"]
CHAPTER_SECONDS = (60, 75, 90)


def demo_video(seconds, pattern):
    """A cached demo video file, made once per checkout (outside VAR_DIR, so a fresh
    VAR_DIR — tests, benchmarks — reuses it)."""
    cache = Path(env("DEMO_VIDEO_CACHE", str(REPO_ROOT / "var" / "demo-videos")))
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"{seconds}s-{pattern}.webm"
    if not path.exists():
        media.generate_demo_video(path, seconds, pattern=pattern, tone_hz=330 + 55 * pattern)
    return path


def seed_courses(make_uow, storage):
    ids = {}
    for n, (key, title, teacher, hours, chapter_count) in enumerate(COURSES):
        teacher_title, profile = TEACHERS[teacher]
        with make_uow() as uow:
            course = course_admin.create(uow, storage, OPERATOR, {
                "title": title, "teacher_name": teacher, "teacher_title": teacher_title,
                "teacher_profile": profile, "hours": hours, "preview_seconds": 30,
                "description": f"《{title}》由{teacher}{teacher_title}主讲，共{chapter_count}节，"
                               f"{hours}学时。"})
        ids[key] = course["course_id"]
        for seq in range(1, chapter_count + 1):
            seconds = CHAPTER_SECONDS[(n + seq) % len(CHAPTER_SECONDS)]
            pattern = (n + seq) % 4  # twelve distinct videos in all: quick to make
            with make_uow() as uow:
                chapter = course_admin.add_chapter(uow, OPERATOR, ids[key],
                                                   {"title": f"第{seq}节　{title}（{seq}）"})
            source = demo_video(seconds, pattern)
            info = media.probe(source)
            key_ = f"learning/videos/{chapter['chapter_id']}/demo.webm"
            with open(source, "rb") as fh:
                storage.put(key_, fh)
            preview = None
            if seq == 1:
                preview = f"learning/videos/{chapter['chapter_id']}/demo-preview.webm"
                media.make_preview(storage.local_path(key_), storage.local_path(preview), 30)
            with make_uow() as uow:
                uow.session.execute(update(chapters).where(
                    chapters.c.id == chapter["chapter_id"]).values(
                    video_key=key_, preview_key=preview, duration_ms=info.duration_ms,
                    video_type="webm"))
                uow.commit()
    return ids


def ref(ids, key, kind, exam=False):
    return {"course_id": ids[key], "kind": kind, "exam_required": exam}


def plan_specs(year, ids):
    """(key, body, publish) for every demo plan."""
    window = {"opens_on": date(year, 3, 1), "closes_on": date(year, 12, 31)}
    electives = [ref(ids, k, "elective") for k in PUBLIC_ELECTIVES]
    public = {"kind": "public", "total_hours": "32.0", "required_hours": "6.0",
              "pricing": "per_hour", "price_per_hour_fen": 500, "required_free": True}
    specs = [("public", {
        **public, **window, "name": f"{year}年天津市专业技术人员继续教育公需科目", "year": year,
        "cards_allowed": True, "pay_deadline": date(year, 12, 20),
        "description": "本计划须修满32学时，其中必修课6学时（免费，须考试，60分合格），选修课26学时"
                       "（5元/学时，无需考试）。学习结束、考试通过后可打印培训证书。",
        "courses": [ref(ids, "req0", "required", exam=True)] + electives})]
    for back in range(1, 5):
        y = year - back
        specs.append((f"makeup{y}", {
            **public, **window, "name": f"{y}年公需科目（补学）", "year": y, "makeup": True,
            "cards_allowed": False, "pay_deadline": date(year, 12, 20),
            "extra_required_exams": 2,
            "description": f"{y}年漏训学员补学：32学时（必修6学时、选修26学时），另加2门必修课考试；"
                           "学习卡不能用于补学。",
            "courses": [ref(ids, f"req{back}", "required", exam=True)] + electives}))
    for key, category, course_keys in (("engineering", "工程技术类", ["bim", "green", "newtech"]),
                                       ("economics", "经济类", ["economy", "tax", "finance"])):
        specs.append((key, {
            "kind": "professional", "category": category, **window,
            "name": f"{year}年专业科目（{category}）", "year": year, "total_hours": "12.0",
            "required_hours": "0.0", "pricing": "per_hour", "price_per_hour_fen": 500,
            "required_free": True, "cards_allowed": True, "pay_deadline": date(year, 12, 20),
            "description": f"{category}专业科目：自主选课，5元/学时，无需考试，修满12学时可打印证书。",
            "courses": [ref(ids, k, "elective") for k in course_keys]}))
    political = {"kind": "professional", "category": "政工", **window, "total_hours": "32.0",
                 "required_hours": "16.0", "pricing": "flat", "required_free": False,
                 "cards_allowed": True, "pay_deadline": date(year, 11, 30),
                 "courses": [ref(ids, "pol_req", "required", exam=True),
                             ref(ids, "pol_case", "required", exam=True),
                             ref(ids, "pol_culture", "elective"), ref(ids, "pol_talk", "elective")]}
    specs.append(("political", {
        **political, "name": f"{year}年天津市政工专业人员经常性继续教育", "year": year,
        "flat_price_fen": 15000,
        "description": "每年修满32学时：必修课学习并考试（60分合格），选修课只学习不考试。"
                       "线上缴费150元/32学时，11月30日截止；学习卡仅限本年度使用。"}))
    for y, fee in ((year - 4, 16000), (year - 2, 15000)):
        specs.append((f"political{y}", {
            **political, "name": f"{y}年政工专业人员继续教育（补学）", "year": y, "makeup": True,
            "flat_price_fen": fee, "cards_allowed": False, "extra_required_exams": 2,
            "description": f"补训{y}年：线上支付培训费（{fee // 100}元/32学时），另加2门必修课考试；"
                           "线下不予办理补训缴费手续。"}))
    last = year - 1
    specs.append(("lastyear", {
        **public, "name": f"{last}年天津市专业技术人员继续教育公需科目", "year": last,
        "opens_on": date(last, 3, 1), "closes_on": date(last, 12, 31),
        "pay_deadline": date(last, 11, 30), "cards_allowed": True,
        "description": "往年计划（已结束）。",
        "courses": [ref(ids, "req1", "required", exam=True)] + electives}))
    return specs


def seed_plans(make_uow, year, ids):
    made = {}
    for key, body in plan_specs(year, ids):
        data = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in body.items()}
        with make_uow() as uow:
            plan = plans.create(uow, OPERATOR, data)
        with make_uow() as uow:
            plans.change_status(uow, OPERATOR, plan["plan_id"], "publish")
        made[key] = plan["plan_id"]
    with make_uow() as uow:  # last year's plan ended: closed like the operator would
        plans.change_status(uow, OPERATOR, made["lastyear"], "close")
    return made


def wait_for_learner(make_uow, username, wait_seconds=60):
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        with make_uow() as uow:
            row = uow.session.execute(select(learners).where(
                learners.c.username == username)).mappings().first()
        if row is not None and row["org_id"] is not None:
            return dict(row)
        time.sleep(0.5)
    raise SystemExit(f"learning has not received {username} from identity; is it running?")


def _chapters(uow, course_id):
    return uow.session.execute(select(chapters).where(chapters.c.course_id == course_id)
                               .order_by(chapters.c.seq)).mappings().all()


def _enrol(uow, learner, plan_id, at):
    """As 去激活 leaves it, its event included (other services keep copies: exam's
    我的考试, reporting)."""
    enrolment_id = uow.session.execute(insert(enrolments).values(
        plan_id=plan_id, user_id=learner["user_id"], org_id=learner["org_id"],
        status="learning", activated_at=at, started_at=at)).inserted_primary_key[0]
    uow.add_event("plan_activated", {"enrolment_id": enrolment_id,
                                     "user_id": learner["user_id"], "plan_id": plan_id,
                                     "org_id": learner["org_id"], "activated_at": at})
    return enrolment_id


def _watched(uow, learner, course_id, at, share=1.0):
    """What the player would have left behind: segments from the start, per chapter."""
    rows = _chapters(uow, course_id)
    covered_total, done = 0, 0
    for chapter in rows:
        covered = int(chapter["duration_ms"] * share)
        complete = share >= 0.95
        done += complete
        covered_total += covered
        uow.session.execute(insert(chapter_progress).values(
            user_id=learner["user_id"], chapter_id=chapter["id"], course_id=course_id,
            segments=[[0, covered]], covered_ms=covered, last_position_ms=covered,
            completed_at=at if complete else None, updated_at=at))
    uow.session.execute(insert(course_progress).values(
        user_id=learner["user_id"], course_id=course_id, chapters_completed=done,
        covered_ms=covered_total, started_at=at - timedelta(days=2),
        completed_at=at if done == len(rows) else None))


def _select(uow, enrolment_id, plan_id, learner, course_id, kind, at, order_no=None):
    uow.session.execute(insert(selections).values(
        enrolment_id=enrolment_id, plan_id=plan_id, user_id=learner["user_id"],
        course_id=course_id, kind=kind, status="active", order_no=order_no, selected_at=at))
    hours = uow.session.execute(select(course_rows.c.hours).where(
        course_rows.c.id == course_id)).scalar()
    uow.add_event("course_selected", {
        "enrolment_id": enrolment_id, "user_id": learner["user_id"], "plan_id": plan_id,
        "course_id": course_id, "kind": kind, "hours": hrs.text(hours), "order_no": order_no,
        "selected_at": at})


def _started(uow, enrolment_id, learner, plan_id, course_id, at):
    """参训: the first credited second in the plan, as the player's heartbeats announce it."""
    uow.add_event("learning_started", {"enrolment_id": enrolment_id,
                                       "user_id": learner["user_id"], "plan_id": plan_id,
                                       "course_id": course_id, "started_at": at})


def seed_history(make_uow, learner, plan_ids, ids, year):
    now = datetime.now(timezone.utc)
    with make_uow() as uow:
        # This year's public plan: activated, half of the required course watched.
        current = _enrol(uow, learner, plan_ids["public"], now - timedelta(days=20))
        _select(uow, current, plan_ids["public"], learner, ids["req0"], "required",
                now - timedelta(days=20))
        _watched(uow, learner, ids["req0"], now - timedelta(days=1), share=0.5)
        _started(uow, current, learner, plan_ids["public"], ids["req0"], now - timedelta(days=3))
        uow.session.execute(update(enrolments).where(enrolments.c.id == current)
                            .values(started_at=now - timedelta(days=3)))
        # 工程技术类: three electives bought and watched; passes (no exams).
        engineering = _enrol(uow, learner, plan_ids["engineering"], now - timedelta(days=40))
        for n, key in enumerate(("bim", "green", "newtech")):
            _select(uow, engineering, plan_ids["engineering"], learner, ids[key], "elective",
                    now - timedelta(days=40), order_no=f"DEMO{year}0000000{n + 1}")
            _watched(uow, learner, ids[key], now - timedelta(days=30 - n))
        _started(uow, engineering, learner, plan_ids["engineering"], ids["bim"],
                 now - timedelta(days=32))
        # Last year's public plan: required (exam passed) and 26 hours of electives.
        last = datetime(year - 1, 10, 15, 8, tzinfo=timezone.utc)
        previous = _enrol(uow, learner, plan_ids["lastyear"], last - timedelta(days=60))
        _select(uow, previous, plan_ids["lastyear"], learner, ids["req1"], "required", last)
        _watched(uow, learner, ids["req1"], last)
        _started(uow, previous, learner, plan_ids["lastyear"], ids["req1"],
                 last - timedelta(days=50))
        bought = 0
        for n, key in enumerate(PUBLIC_ELECTIVES):
            if bought >= 26:
                break
            course_hours = next(c[3] for c in COURSES if c[0] == key)
            _select(uow, previous, plan_ids["lastyear"], learner, ids[key], "elective", last,
                    order_no=f"DEMO{year - 1}000000{n + 10}")
            bought += int(hrs.hours(course_hours))
        uow.commit()
    # Courses shared with this year's plan count once: what was watched stays watched.
    with make_uow() as uow:
        held = set(uow.session.execute(select(course_progress.c.course_id).where(
            course_progress.c.user_id == learner["user_id"])).scalars())
        for course_id in uow.session.execute(select(selections.c.course_id).where(
                selections.c.enrolment_id == previous)).scalars():
            if course_id not in held:
                _watched(uow, learner, course_id, last)
        uow.session.execute(insert(exam_results).values(
            user_id=learner["user_id"], exam_id=900001, course_id=ids["req1"],
            plan_id=plan_ids["lastyear"], best_score=88, attempts=1, passed_at=last))
        evaluate(uow, engineering, now - timedelta(days=28))
        evaluate(uow, previous, last)
        uow.commit()


def seed_community(make_uow, learner, ids):
    now = datetime.now(timezone.utc)
    course_id = ids["req0"]
    with make_uow() as uow:
        first = _chapters(uow, course_id)[0]
        uow.session.execute(insert(notes).values(
            user_id=learner["user_id"], course_id=course_id, chapter_id=first["id"],
            position_ms=42_000, body="中国式现代化的五个特征：人口规模巨大、全体人民共同富裕、"
                                     "物质文明和精神文明相协调、人与自然和谐共生、走和平发展道路。",
            created_at=now - timedelta(days=1), updated_at=now - timedelta(days=1)))
        thread = uow.session.execute(insert(posts).values(
            kind="discussion", course_id=course_id, user_id=learner["user_id"],
            author_name="张*", body="结合本单位实际，大家是怎样理解“高质量发展”的？",
            status="visible", created_at=now - timedelta(hours=20))).inserted_primary_key[0]
        uow.session.execute(insert(posts).values(
            kind="discussion", course_id=course_id, thread_id=thread, user_id=learner["user_id"],
            author_name="张*", body="我们医院正在推进智慧医疗建设，这也是高质量发展的一部分。",
            status="visible", created_at=now - timedelta(hours=19)))
        uow.session.execute(insert(posts).values(
            kind="question", course_id=course_id, user_id=learner["user_id"],
            author_name="张*", body="第二节提到的“两步走”战略安排具体指什么？",
            answer="第一步，从二〇二〇年到二〇三五年基本实现社会主义现代化；第二步，从二〇三五年到"
                   "本世纪中叶把我国建成富强民主文明和谐美丽的社会主义现代化强国。",
            answered_by_name="李明老师", answered_at=now - timedelta(hours=2),
            status="visible", created_at=now - timedelta(hours=6)))
        uow.commit()


def seed(make_uow, storage):
    with make_uow() as uow:
        if uow.session.execute(select(func.count()).select_from(plan_courses)).scalar():
            return False
    year = shanghai_today(datetime.now(timezone.utc)).year
    learner = wait_for_learner(make_uow, DEMO_LEARNER)
    ids = seed_courses(make_uow, storage)
    plan_ids = seed_plans(make_uow, year, ids)
    seed_history(make_uow, learner, plan_ids, ids, year)
    seed_community(make_uow, learner, ids)
    return True


def main():
    created = seed(UnitOfWorkFactory("learning", outbox, inbox), FileStorage())
    print("learning demo plans and courses", "created" if created else "already present")


if __name__ == "__main__":
    main()
