"""A learner's standing in one exam, as 我的考试 shows it: the attempts left (不限 when the
exam sets no limit), the score that counts (the highest by default; or the first, the
last, the average), and the status — 未开始 / 可考试 / 考试中 / 已考 / 已通过 / 未通过 /
已结束, or not available with the reason."""
from dataclasses import dataclass

SCORE_RULES = ("highest", "first", "last", "average")
STATUS_LABELS = {"not_started": "未开始", "available": "可考试", "in_progress": "考试中",
                 "taken": "已考", "passed": "已通过", "failed": "未通过", "ended": "已结束",
                 "unavailable": "不可考试"}
NOT_COMPLETED = "课程学习进度达到100%后才能参加考试"


def counted(rule, scores):
    """The score that counts among graded attempts' `scores` (in attempt order)."""
    if not scores:
        return None
    if rule == "first":
        return scores[0]
    if rule == "last":
        return scores[-1]
    if rule == "average":
        return (sum(scores) * 2 + len(scores)) // (2 * len(scores))  # half up
    return max(scores)


@dataclass(frozen=True)
class Left:
    exempt: int | None   # 剩余免考考试次数 (None: 不限 — the exam sets no limit at all)
    attempts: int | None  # 剩余可考试次数 (None: 不限)

    @property
    def any(self):
        return self.attempts is None or self.attempts > 0 or bool(self.exempt)


def left(attempts_allowed, exempt_attempts, taken):
    """The first `exempt_attempts` attempts do not count against `attempts_allowed`."""
    exempt = max(0, exempt_attempts - taken)
    if attempts_allowed is None:
        return Left(None if not exempt_attempts else exempt, None)
    counted_taken = max(0, taken - exempt_attempts)
    return Left(exempt, max(0, attempts_allowed - counted_taken))


def status(now, opens_at, closes_at, exam_open, eligible, passed, taken, remaining,
           in_progress):
    """(status, reason or None)."""
    if passed:
        return "passed", None
    if now < opens_at:
        return "not_started", "考试尚未开始"
    if in_progress:
        return "in_progress", None
    if now >= closes_at or not exam_open:
        return ("failed", None) if taken else ("ended", "考试已结束")
    if not eligible:
        return "unavailable", NOT_COMPLETED
    if not remaining.any:
        return "failed", "考试次数已用完"
    return ("taken", None) if taken else ("available", None)
