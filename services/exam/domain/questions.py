"""What a question is (题型: 单选题, 多选题, 判断题, 填空题) and what makes one valid — the
same rules for the operator's form and each row of an imported template. Answers are
normalised here once: option keys upper-case and sorted, a judgement a bool, each blank a
list of the texts accepted for it."""
from dataclasses import dataclass

TYPES = ("single", "multiple", "judge", "fill")
TYPE_LABELS = {"single": "单选题", "multiple": "多选题", "judge": "判断题", "fill": "填空题"}
TYPE_BY_LABEL = {label: key for key, label in TYPE_LABELS.items()}
DIFFICULTY_LABELS = {1: "易", 2: "中", 3: "难"}
DIFFICULTY_BY_LABEL = {label: key for key, label in DIFFICULTY_LABELS.items()}
OPTION_KEYS = "ABCDEFGH"
TRUE_WORDS, FALSE_WORDS = ("对", "正确", "是", "√", "T", "TRUE"), ("错", "错误", "否", "×", "F", "FALSE")
BLANK = "（　）"


class QuestionInvalid(ValueError):
    """`errors`: field name → Chinese message."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class Question:
    type: str
    stem: str
    options: list   # [{"key": "A", "text": "…"}]
    answer: list    # see the module's docstring
    difficulty: int
    tags: list
    analysis: str | None


def _text(value, limit):
    return str(value).strip()[:limit] if value is not None else ""


def judgement(value):
    """True / False from 对/错, 正确/错误, √/×, T/F, true/false; None otherwise."""
    if isinstance(value, bool):
        return value
    word = _text(value, 10).upper()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def check(type_, stem, options, answer, difficulty=2, tags=(), analysis=None):
    """A valid Question, or QuestionInvalid saying what is wrong with which field.
    `options`: texts in order (A, B, …); `answer`: option keys ("AC", ["A","C"]), a
    judgement, or the blanks (a list; each blank's accepted texts split by "|")."""
    errors = {}
    type_ = TYPE_BY_LABEL.get(type_, type_)
    if type_ not in TYPES:
        errors["type"] = "题型须为单选题、多选题、判断题或填空题"
    stem = _text(stem, 2000)
    if not stem:
        errors["stem"] = "请填写题干"
    texts = [_text(o, 500) for o in (options or []) if _text(o, 500)]
    choice = type_ in ("single", "multiple")
    if choice and not 2 <= len(texts) <= len(OPTION_KEYS):
        errors["options"] = f"选择题须有2至{len(OPTION_KEYS)}个选项"
    if not choice and texts:
        errors["options"] = "判断题和填空题没有选项"
    keys = OPTION_KEYS[:len(texts)]
    normalized = []
    if choice:
        raw = answer if isinstance(answer, list) else list(_text(answer, 20).replace(",", "")
                                                           .replace("，", "").replace(" ", ""))
        picked = sorted({_text(k, 1).upper() for k in raw if _text(k, 1)})
        if not picked or any(k not in keys for k in picked):
            errors["answer"] = f"答案须为选项{keys[:1]}–{keys[-1:]}中的字母" if keys else "请填写答案"
        elif type_ == "single" and len(picked) != 1:
            errors["answer"] = "单选题只有一个正确答案"
        elif type_ == "multiple" and len(picked) < 2:
            errors["answer"] = "多选题至少有两个正确答案"
        normalized = picked
    elif type_ == "judge":
        value = judgement(answer[0] if isinstance(answer, list) and answer else answer)
        if value is None:
            errors["answer"] = "判断题的答案须为“对”或“错”"
        normalized = [value]
    elif type_ == "fill":
        blanks = answer if isinstance(answer, list) else [answer]
        normalized = [[t for t in (_text(x, 200) for x in (
            b if isinstance(b, list) else str(b or "").split("|"))) if t] for b in blanks]
        if not normalized or any(not accepted for accepted in normalized):
            errors["answer"] = "请填写每个空的答案（一个空有多个可接受答案时用“|”分隔）"
    difficulty = DIFFICULTY_BY_LABEL.get(difficulty, difficulty)
    try:
        difficulty = int(difficulty)
    except (TypeError, ValueError):
        difficulty = 0
    if difficulty not in DIFFICULTY_LABELS:
        errors["difficulty"] = "难度须为易、中或难"
    tags = tags.replace("，", ",").split(",") if isinstance(tags, str) else list(tags or [])
    tags = sorted({_text(t, 30) for t in tags if _text(t, 30)})
    if len(tags) > 10:
        errors["tags"] = "知识点最多10个"
    if errors:
        raise QuestionInvalid(errors)
    return Question(type_, stem, [{"key": k, "text": t} for k, t in zip(keys, texts,
                                                                         strict=True)],
                    normalized, difficulty, tags, _text(analysis, 2000) or None)
