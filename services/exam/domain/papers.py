"""试卷: an exam's paper rule — fixed questions, or random draws by type, knowledge point and
difficulty — checked when the exam is defined, and turned into one attempt's paper with
that attempt's seed: the questions grouped by type (单选, 多选, 判断, 填空), shuffled within
each type and their options shuffled when the exam says so. The paper shown keeps each
option's own key, so the answer key never needs rewriting and reveals nothing."""
import random
from dataclasses import dataclass

from .questions import TYPE_LABELS, TYPES


class RuleInvalid(ValueError):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Draw:
    type: str
    count: int
    score: int
    difficulty: int | None = None
    tags: tuple = ()

    def matches(self, question):
        return (question["type"] == self.type
                and (self.difficulty is None or question["difficulty"] == self.difficulty)
                and (not self.tags or set(self.tags) & set(question["tags"] or [])))


def _positive(value, what, limit):
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise RuleInvalid(f"{what}须为整数") from None
    if not 1 <= number <= limit:
        raise RuleInvalid(f"{what}须在1到{limit}之间")
    return number


def read_rule(rule):
    """(mode, items): for "fixed" [(question_id, score)], for "random" [Draw]. Raises
    RuleInvalid with a Chinese message."""
    if not isinstance(rule, dict) or rule.get("mode") not in ("fixed", "random"):
        raise RuleInvalid("组卷方式须为固定试题或随机抽题")
    if rule["mode"] == "fixed":
        items = rule.get("items") or []
        if not items or len(items) > 300:
            raise RuleInvalid("固定试题须有1到300道题")
        read = [(_positive(i.get("question_id"), "试题编号", 10**12),
                 _positive(i.get("score"), "每题分值", 100)) for i in items]
        if len({q for q, _ in read}) != len(read):
            raise RuleInvalid("同一道题不能重复出现")
        return "fixed", read
    draws = rule.get("draws") or []
    if not draws or len(draws) > 20:
        raise RuleInvalid("随机抽题须有1到20条抽题规则")
    read = []
    for d in draws:
        if d.get("type") not in TYPES:
            raise RuleInvalid("抽题规则的题型须为单选题、多选题、判断题或填空题")
        difficulty = d.get("difficulty")
        if difficulty not in (None, 1, 2, 3):
            raise RuleInvalid("抽题规则的难度须为易、中或难")
        read.append(Draw(d["type"], _positive(d.get("count"), "抽题数量", 200),
                         _positive(d.get("score"), "每题分值", 100), difficulty,
                         tuple(sorted({str(t)[:30] for t in d.get("tags") or []}))))
    return "random", read


def total_score(rule):
    mode, items = read_rule(rule)
    if mode == "fixed":
        return sum(score for _, score in items)
    return sum(d.count * d.score for d in items)


def pick(rule, bank, seed):
    """[(question, score)] for one attempt: `bank` the course's active questions (dicts
    with id, type, difficulty, tags), drawn with `seed`. Raises RuleInvalid when the bank
    cannot fill the rule (a question retired since the exam was defined)."""
    mode, items = read_rule(rule)
    by_id = {q["id"]: q for q in bank}
    if mode == "fixed":
        missing = [q for q, _ in items if q not in by_id]
        if missing:
            raise RuleInvalid("试卷中的试题已停用或不属于本课程："
                              + "、".join(str(q) for q in missing[:10]))
        return [(by_id[q], score) for q, score in items]
    rng = random.Random(seed)
    taken, chosen = set(), []
    for draw in items:
        pool = sorted((q for q in bank if q["id"] not in taken and draw.matches(q)),
                      key=lambda q: q["id"])
        if len(pool) < draw.count:
            raise RuleInvalid(f"题库中符合条件的{TYPE_LABELS[draw.type]}只有{len(pool)}道，"
                              f"抽题规则需要{draw.count}道")
        for q in rng.sample(pool, draw.count):
            taken.add(q["id"])
            chosen.append((q, draw.score))
    return chosen


def paper(chosen, seed, shuffle_questions, shuffle_options):
    """(paper, key): the questions as shown — by type, then shuffled within a type if
    asked — and the answer key by question id."""
    rng = random.Random(seed ^ 0x5EED)
    shown, key = [], {}
    for type_ in TYPES:
        group = [(q, s) for q, s in chosen if q["type"] == type_]
        if shuffle_questions:
            rng.shuffle(group)
        for q, score in group:
            options = [dict(o) for o in q["options"]]
            if shuffle_options and type_ in ("single", "multiple"):
                rng.shuffle(options)
            entry = {"id": q["id"], "type": type_, "stem": q["stem"], "options": options,
                     "score": score}
            if type_ == "fill":
                entry["blanks"] = len(q["answer"])
            shown.append(entry)
            key[str(q["id"])] = q["answer"]
    return shown, key
