"""Demo question banks and exams.   python -m services.exam.seed_demo

For every examined course of this year's plans (the public plan's required course, the
political-work plan's two), a bank of fifteen questions of all four types and a published
exam drawn from it at random — four 单选 × 10, two 多选 × 15, two 判断 × 10, one 填空 × 10 =
100 points, pass line 60, 30 minutes, two attempts, open until the end of the year. The
demo learner zhangwei has watched half of the public plan's required course: 我的考试
shows its exam as not available yet, and opens it once he finishes the course.

Runs after learning's seed, with the exam service up: it waits until exam has learning's
plans from their events, and goes through the service's own rules (RPC)."""
import time
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import func, select

from services.common.scripting import UnitOfWorkFactory
from services.common.settings import amqp_uri

from .models import exams, inbox, outbox, plan_courses, plans

OPERATOR = {"user_id": 0, "role": "operator", "username": "seed"}
SHANGHAI = ZoneInfo("Asia/Shanghai")

QUESTIONS = [
    {"type": "single", "stem": "专业技术人员每年参加继续教育的时间累计应不少于多少学时？",
     "options": ["24学时", "32学时", "48学时", "90学时"], "answer": ["B"], "difficulty": 1,
     "tags": ["继续教育政策"], "analysis": "每年修满32学时，其中必修课6学时、选修课26学时。"},
    {"type": "single", "stem": "公需科目培训计划中，必修课的考试合格分数线是多少分？",
     "options": ["50分", "60分", "70分", "80分"], "answer": ["B"], "difficulty": 1,
     "tags": ["考试规则"], "analysis": "必修课学习并考试，60分合格。"},
    {"type": "single", "stem": "学员在什么情况下可以参加课程考试？",
     "options": ["选课后即可", "缴费后即可", "学习进度达到100%后", "任何时候"], "answer": ["C"],
     "difficulty": 1, "tags": ["考试规则"], "analysis": "学习进度为100%的课程可参加考试。"},
    {"type": "single", "stem": "必修课（考试）、选修课及打印合格证书须在何时前全部完成？",
     "options": ["11月30日", "12月15日", "12月31日", "次年1月31日"], "answer": ["C"],
     "difficulty": 2, "tags": ["继续教育政策"], "analysis": "须在12月31日前全部完成。"},
    {"type": "single", "stem": "选修课的收费标准一般为每学时多少元？",
     "options": ["2元", "5元", "10元", "免费"], "answer": ["B"], "difficulty": 2,
     "tags": ["缴费"], "analysis": "选修课5元/学时。"},
    {"type": "single", "stem": "课件播放时切换到其他页面，学习进度会怎样？",
     "options": ["照常记录", "加倍记录", "播放自动终止，不再记录", "自动完成本章"],
     "answer": ["C"], "difficulty": 2, "tags": ["学习规则"],
     "analysis": "课件在学习过程中必须保持为焦点页。"},
    {"type": "multiple", "stem": "网上培训的参训方式包括哪些？",
     "options": ["线上缴费", "线下购买学习卡", "现场报名", "电话报名"], "answer": ["A", "B"],
     "difficulty": 2, "tags": ["缴费"], "analysis": "分为线上缴费和线下购卡两种参训方式。"},
    {"type": "multiple", "stem": "学习档案记录的内容包括哪些？",
     "options": ["学习进度", "考试成绩", "获得学时", "个人工资"], "answer": ["A", "B", "C"],
     "difficulty": 2, "tags": ["学习档案"], "analysis": "档案包括学习进度、考试成绩、获得学时等。"},
    {"type": "multiple", "stem": "考试页面的答题卡用颜色表示题目状态，下列说法正确的有：",
     "options": ["蓝色代表已做完", "红色代表被标记", "灰色表示未做", "绿色表示答对"],
     "answer": ["A", "B", "C"], "difficulty": 3, "tags": ["考试规则"],
     "analysis": "蓝色代表已做完，红色代表被标记，灰色表示未做。"},
    {"type": "judge", "stem": "选修课只学习、不考试。", "options": [], "answer": True,
     "difficulty": 1, "tags": ["考试规则"]},
    {"type": "judge", "stem": "学员学习结束、考试通过后可打印本计划培训证书。", "options": [],
     "answer": True, "difficulty": 1, "tags": ["证书"]},
    {"type": "judge", "stem": "漏训学员补训时不需要参加任何考试。", "options": [], "answer": False,
     "difficulty": 2, "tags": ["补训"], "analysis": "参加补训的学员将增加2门必修课程的考试。"},
    {"type": "judge", "stem": "学习卡的密码可以在平台上明文查看。", "options": [], "answer": False,
     "difficulty": 3, "tags": ["缴费"]},
    {"type": "fill", "stem": "每年修满的32学时中，必修课为（　）学时。", "options": [],
     "answer": [["6", "六"]], "difficulty": 1, "tags": ["继续教育政策"]},
    {"type": "fill", "stem": "考试及格线默认为（　）分。", "options": [], "answer": [["60", "六十"]],
     "difficulty": 1, "tags": ["考试规则"]},
]
RULE = {"mode": "random", "draws": [{"type": "single", "count": 4, "score": 10},
                                    {"type": "multiple", "count": 2, "score": 15},
                                    {"type": "judge", "count": 2, "score": 10},
                                    {"type": "fill", "count": 1, "score": 10}]}


def wait_for_plans(db, year, wait_seconds=90):
    """(plan_id, course_id, title) of this year's examined courses, once exam knows them."""
    deadline = time.monotonic() + wait_seconds
    while True:
        with db() as uow:
            rows = uow.session.execute(
                select(plan_courses.c.plan_id, plan_courses.c.course_id, plan_courses.c.title)
                .join(plans, plans.c.plan_id == plan_courses.c.plan_id)
                .where(plans.c.year == year, plans.c.makeup.is_(False),
                       plans.c.status == "published", plan_courses.c.exam_required.is_(True))
                .order_by(plan_courses.c.plan_id, plan_courses.c.course_id)).all()
        if rows:
            return rows
        if time.monotonic() > deadline:
            raise SystemExit("exam has not heard of this year's plans from learning")
        time.sleep(0.5)


def seed(db, rpc):
    with db() as uow:
        if uow.session.execute(select(func.count()).select_from(exams)).scalar():
            return False
    now = datetime.now(timezone.utc)
    local = now.astimezone(SHANGHAI)
    closes = datetime(local.year, 12, 31, 23, 59, tzinfo=SHANGHAI)
    if closes - now < timedelta(days=7):
        closes = now + timedelta(days=30)
    banks = set()
    for plan_id, course_id, title in wait_for_plans(db, local.year):
        if course_id not in banks:
            for question in QUESTIONS:
                rpc.exam.add_question(OPERATOR, course_id, question)
            banks.add(course_id)
        exam = rpc.exam.define_exam(OPERATOR, {
            "name": title, "course_id": course_id, "plan_id": plan_id, "exam_type": "自考",
            "paper_rule": RULE, "pass_score": 60, "duration_minutes": 30,
            "opens_at": (now - timedelta(days=1)).isoformat(), "closes_at": closes.isoformat(),
            "attempts_allowed": 2, "exempt_attempts": 0, "score_rule": "highest",
            "review_answers": "after_submit", "review_key": "after_submit"})
        rpc.exam.publish_exam(OPERATOR, exam["exam_id"])
    return True


def main():
    db = UnitOfWorkFactory("exam", outbox, inbox)
    with ClusterRpcProxy({"AMQP_URI": amqp_uri()}, timeout=60) as rpc:
        created = seed(db, rpc)
    print("exam demo question banks and exams", "created" if created else "already present")


if __name__ == "__main__":
    main()
