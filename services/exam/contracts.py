"""What exam is asked, defined once: the request contracts the gateway checks (for its
OpenAPI document and an early 422). Ownership, eligibility, the bank's contents and
time windows stay in the service."""
from services.common.contracts import PageQuery
from services.common.schema import Schema, fields, length, one_of, validate

QUESTION_TYPES = ("single", "multiple", "judge", "fill")
EXAM_STATUSES = ("draft", "published", "closed")


class QuestionBody(Schema):
    type = fields.String(required=True, validate=one_of(QUESTION_TYPES), metadata={
        "description": "single 单选题 / multiple 多选题 / judge 判断题 / fill 填空题"})
    stem = fields.String(required=True, validate=length(min=1, max=2000))
    options = fields.List(fields.String(validate=length(max=500)), load_default=list,
                          validate=validate.Length(max=8, error="最多8个选项"),
                          metadata={"description": "选项文字，依次为 A、B、C…；判断题和填空题不填"})
    answer = fields.Raw(required=True, metadata={
        "description": "单选 [\"B\"]；多选 [\"A\",\"C\"]；判断 true/false；填空 [[\"可接受答案\",…],…]（每空一组）"})
    difficulty = fields.Integer(load_default=2, validate=validate.OneOf(
        (1, 2, 3), error="难度须为1（易）、2（中）或3（难）"))
    tags = fields.List(fields.String(validate=length(max=30)), load_default=list,
                       metadata={"description": "知识点"})
    analysis = fields.String(load_default=None, allow_none=True, validate=length(max=2000))


class QuestionQuery(PageQuery):
    type = fields.String(load_default=None, validate=one_of(QUESTION_TYPES))
    difficulty = fields.Integer(load_default=None, validate=validate.OneOf((1, 2, 3)))
    tag = fields.String(load_default=None, validate=length(max=30))
    status = fields.String(load_default=None, validate=one_of(("active", "retired")))
    q = fields.String(load_default=None, validate=length(max=60),
                      metadata={"description": "题干关键字"})


class QuestionStatusBody(Schema):
    active = fields.Boolean(required=True, metadata={"description": "true 启用 / false 停用"})


class ExamBody(Schema):
    name = fields.String(required=True, validate=length(min=1, max=200))
    course_id = fields.Integer(load_default=None, allow_none=True,
                               metadata={"description": "考试的课程；补训计划自身的考试不填"})
    plan_id = fields.Integer(load_default=None, allow_none=True,
                             metadata={"description": "所属培训计划（不填：任何含该课程的计划）"})
    bank_course_id = fields.Integer(load_default=None, allow_none=True,
                                    metadata={"description": "补训计划考试抽题的题库（课程）"})
    exam_type = fields.String(load_default="自考", validate=one_of(("自考", "统考")))
    paper_rule = fields.Dict(required=True, metadata={
        "description": "固定试题 {mode: fixed, items: [{question_id, score}]}；随机抽题 {mode: "
                       "random, draws: [{type, count, score, difficulty?, tags?}]}"})
    shuffle_questions = fields.Boolean(load_default=True)
    shuffle_options = fields.Boolean(load_default=True)
    pass_score = fields.Integer(load_default=60, validate=validate.Range(min=1, max=1000))
    duration_minutes = fields.Integer(required=True, validate=validate.Range(
        min=1, max=600, error="考试时长须在1到600分钟之间"))
    opens_at = fields.AwareDateTime(required=True,
                                    metadata={"description": "开始时间（带时区）"})
    closes_at = fields.AwareDateTime(required=True, metadata={"description": "结束时间（带时区）"})
    attempts_allowed = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(
        min=1, max=100), metadata={"description": "可考次数；不填为不限"})
    exempt_attempts = fields.Integer(load_default=0, validate=validate.Range(min=0, max=100),
                                     metadata={"description": "免考次数：不计入可考次数的前几次考试"})
    score_rule = fields.String(load_default="highest", validate=one_of(
        ("highest", "first", "last", "average")),
        metadata={"description": "成绩取值：最高分 / 首次 / 末次 / 平均"})
    review_answers = fields.String(load_default="after_submit", validate=one_of(
        ("never", "after_submit", "after_close")), metadata={"description": "何时可查看作答"})
    review_key = fields.String(load_default="after_close", validate=one_of(
        ("never", "after_submit", "after_pass", "after_close")),
        metadata={"description": "何时可查看正确答案"})
    org_id = fields.Integer(load_default=None, allow_none=True,
                            metadata={"description": "发布单位（不填：平台）"})


class ExamQuery(PageQuery):
    course_id = fields.Integer(load_default=None)
    plan_id = fields.Integer(load_default=None)
    status = fields.String(load_default=None, validate=one_of(EXAM_STATUSES))
    q = fields.String(load_default=None, validate=length(max=60))


class AttemptQuery(PageQuery):
    user_id = fields.Integer(load_default=None)


class AnswersBody(Schema):
    answers = fields.Dict(keys=fields.String(validate=length(max=20)), values=fields.Raw(
        allow_none=True), load_default=dict, validate=validate.Length(
        max=300, error="一次最多保存300道题的答案"), metadata={
        "description": "试题编号 → 答案（单选 \"B\"，多选 [\"A\",\"C\"]，判断 true/false，填空 [\"…\"]；null 清除）"})
    marked = fields.List(fields.Integer(), load_default=None, allow_none=True,
                         metadata={"description": "标记的试题（整体替换；不填则不变）"})


class AttemptEventBody(Schema):
    kind = fields.String(required=True, validate=one_of(("focus_lost", "focus_back")),
                         metadata={"description": "focus_lost 页面失去焦点 / focus_back 回到页面"})
