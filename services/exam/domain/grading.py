"""Marking an attempt: each question all or nothing — a choice question's exact set of
options, a judgement, every blank one of its accepted texts (compared without surrounding
spaces, full- and half-width alike, letters in any case). A learner's answer is read and
checked against the paper before it is saved: options that do not exist, or answers to
questions not in the paper, are refused, never stored."""
import unicodedata

from .questions import judgement


class AnswerInvalid(ValueError):
    def __init__(self, question_id, message):
        super().__init__(message)
        self.question_id = question_id
        self.message = message


def _folded(text):
    return unicodedata.normalize("NFKC", str(text)).strip().casefold()


def read_answer(entry, value):
    """The learner's answer to paper `entry` as stored, or None for "not answered"."""
    qid = entry["id"]
    if value is None or value == "" or value == []:
        return None
    if entry["type"] in ("single", "multiple"):
        picked = [value] if isinstance(value, str) else value
        if not isinstance(picked, list) or not all(isinstance(k, str) for k in picked):
            raise AnswerInvalid(qid, "选择题的答案须为选项")
        keys = {o["key"] for o in entry["options"]}
        picked = sorted({k.strip().upper() for k in picked})
        if any(k not in keys for k in picked):
            raise AnswerInvalid(qid, "所选的选项不存在")
        if entry["type"] == "single" and len(picked) > 1:
            raise AnswerInvalid(qid, "单选题只能选一个选项")
        return picked
    if entry["type"] == "judge":
        decided = judgement(value[0] if isinstance(value, list) and value else value)
        if decided is None:
            raise AnswerInvalid(qid, "判断题的答案须为“对”或“错”")
        return [decided]
    blanks = value if isinstance(value, list) else [value]
    if len(blanks) > entry.get("blanks", 1) or not all(
            isinstance(b, (str, int, float)) or b is None for b in blanks):
        raise AnswerInvalid(qid, "填空题的答案与空的数目不符")
    return [str(b)[:200] if b is not None else "" for b in blanks]


def points(entry, key, answer):
    if answer is None:
        return 0
    if entry["type"] == "fill":
        if len(answer) != len(key):
            return 0
        right = all(_folded(given) in {_folded(t) for t in accepted}
                    for given, accepted in zip(answer, key, strict=True))
    else:
        right = list(answer) == list(key)
    return entry["score"] if right else 0


def grade(paper, key, answers):
    """(score, {question_id: points}) of saved `answers` against the paper's key."""
    results = {}
    for entry in paper:
        qid = str(entry["id"])
        results[qid] = points(entry, key[qid], answers.get(qid))
    return sum(results.values()), results
