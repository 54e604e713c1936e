"""exam's domain rules, without a database: what a question is, drawing and shuffling a
paper, marking answers, the score that counts, attempts left and 我的考试's status."""
from datetime import datetime, timedelta, timezone

import pytest

from services.exam.domain import grading, papers, questions, standing


def q(id_, type_="single", difficulty=2, tags=(), answer=("A",), options=4):
    return {"id": id_, "type": type_, "stem": f"题{id_}", "difficulty": difficulty,
            "tags": list(tags), "answer": list(answer),
            "options": [{"key": k, "text": t} for k, t in zip("ABCDEF", "甲乙丙丁戊己",
                                                                  strict=True)][:options]}


# --- questions ---------------------------------------------------------------------------

def test_a_valid_question_of_each_type_is_normalised():
    single = questions.check("单选题", " 题干 ", ["甲", "乙", "丙"], "b", "易", "政策，法规")
    assert (single.type, single.stem, single.answer, single.difficulty, single.tags) == \
        ("single", "题干", ["B"], 1, ["政策", "法规"])
    assert [o["key"] for o in single.options] == ["A", "B", "C"]
    assert questions.check("multiple", "多选", ["甲", "乙", "丙"], "CA").answer == ["A", "C"]
    assert questions.check("judge", "判断", [], "错").answer == [False]
    assert questions.check("judge", "判断", [], "√").answer == [True]
    assert questions.check("fill", "填（　）和（　）", [], ["32|三十二", "六"]).answer == \
        [["32", "三十二"], ["六"]]


@pytest.mark.parametrize("args, field", [
    (("问答题", "题", [], "对"), "type"),
    (("single", "", ["甲", "乙"], "A"), "stem"),
    (("single", "题", ["甲"], "A"), "options"),
    (("single", "题", ["甲", "乙"], "C"), "answer"),
    (("single", "题", ["甲", "乙"], "AB"), "answer"),
    (("multiple", "题", ["甲", "乙"], "A"), "answer"),
    (("judge", "题", [], "也许"), "answer"),
    (("judge", "题", ["甲"], "对"), "options"),
    (("fill", "题", [], ["", "x"]), "answer"),
])
def test_an_invalid_question_names_the_field(args, field):
    with pytest.raises(questions.QuestionInvalid) as caught:
        questions.check(*args)
    assert field in caught.value.errors


def test_difficulty_must_be_easy_medium_or_hard():
    with pytest.raises(questions.QuestionInvalid) as caught:
        questions.check("judge", "题", [], "对", difficulty="极难")
    assert caught.value.errors == {"difficulty": "难度须为易、中或难"}


# --- papers ------------------------------------------------------------------------------

BANK = [q(i) for i in range(1, 7)] + [q(10 + i, "judge", answer=(True,), options=0)
                                      for i in range(4)] + \
    [q(20, "multiple", difficulty=3, tags=("法规",), answer=("A", "C"))]
RANDOM = {"mode": "random", "draws": [{"type": "single", "count": 3, "score": 10},
                                      {"type": "judge", "count": 2, "score": 5},
                                      {"type": "multiple", "count": 1, "score": 20,
                                       "difficulty": 3, "tags": ["法规"]}]}


def test_the_same_seed_draws_the_same_paper_and_another_seed_another():
    assert papers.total_score(RANDOM) == 60
    first = [x[0]["id"] for x in papers.pick(RANDOM, BANK, 7)]
    assert first == [x[0]["id"] for x in papers.pick(RANDOM, BANK, 7)]
    seen = {tuple(x[0]["id"] for x in papers.pick(RANDOM, BANK, s)) for s in range(20)}
    assert len(seen) > 1
    assert len(set(first)) == 6


def test_a_bank_too_small_for_the_rule_is_said_in_chinese():
    rule = {"mode": "random", "draws": [{"type": "judge", "count": 9, "score": 5}]}
    with pytest.raises(papers.RuleInvalid) as caught:
        papers.pick(rule, BANK, 1)
    assert caught.value.message == "题库中符合条件的判断题只有4道，抽题规则需要9道"


def test_a_fixed_paper_refuses_questions_not_in_the_bank():
    rule = {"mode": "fixed", "items": [{"question_id": 1, "score": 50},
                                       {"question_id": 99, "score": 50}]}
    with pytest.raises(papers.RuleInvalid):
        papers.pick(rule, BANK, 1)
    with pytest.raises(papers.RuleInvalid):
        papers.read_rule({"mode": "fixed", "items": [{"question_id": 1, "score": 5}] * 2})


def test_a_paper_groups_by_type_shuffles_within_and_keeps_option_keys():
    chosen = papers.pick(RANDOM, BANK, 3)
    shown, key = papers.paper(chosen, 3, True, True)
    assert [e["type"] for e in shown] == ["single"] * 3 + ["multiple"] + ["judge"] * 2
    assert all("answer" not in e for e in shown)
    assert key == {str(qq["id"]): qq["answer"] for qq, _ in chosen}
    orders = {tuple(o["key"] for o in papers.paper(chosen, s, True, True)[0][0]["options"])
              for s in range(20)}
    assert len(orders) > 1 and all(sorted(o) == ["A", "B", "C", "D"] for o in orders)
    plain, _ = papers.paper(chosen, 3, False, False)
    assert [o["key"] for o in plain[0]["options"]] == ["A", "B", "C", "D"]


# --- grading -----------------------------------------------------------------------------

SINGLE = {"id": 1, "type": "single", "options": [{"key": k} for k in "ABCD"], "score": 10}
MULTI = {"id": 2, "type": "multiple", "options": [{"key": k} for k in "ABCD"], "score": 20}
JUDGE = {"id": 3, "type": "judge", "options": [], "score": 5}
FILL = {"id": 4, "type": "fill", "options": [], "score": 10, "blanks": 2}


def test_answers_are_read_against_the_paper():
    assert grading.read_answer(SINGLE, "b") == ["B"]
    assert grading.read_answer(MULTI, ["C", "a"]) == ["A", "C"]
    assert grading.read_answer(JUDGE, "对") == [True]
    assert grading.read_answer(FILL, ["三十二"]) == ["三十二"]
    assert grading.read_answer(SINGLE, "") is None
    for entry, value in ((SINGLE, "E"), (SINGLE, ["A", "B"]), (MULTI, [1]), (JUDGE, "maybe"),
                         (FILL, ["a", "b", "c"])):
        with pytest.raises(grading.AnswerInvalid):
            grading.read_answer(entry, value)


def test_marking_is_all_or_nothing_and_fill_in_forgives_width_case_and_spaces():
    paper = [SINGLE, MULTI, JUDGE, FILL]
    key = {"1": ["B"], "2": ["A", "C"], "3": [False], "4": [["32", "三十二"], ["ABC"]]}
    score, results = grading.grade(paper, key, {"1": ["B"], "2": ["A"], "3": [False],
                                                "4": [" ３２ ", "abc"]})
    assert (score, results) == (25, {"1": 10, "2": 0, "3": 5, "4": 10})
    assert grading.grade(paper, key, {})[0] == 0


# --- standing ----------------------------------------------------------------------------

def test_the_score_that_counts_follows_the_exam_rule():
    scores = [50, 80, 65]
    assert [standing.counted(r, scores) for r in standing.SCORE_RULES] == [80, 50, 65, 65]
    assert standing.counted("average", [60, 61]) == 61  # half up
    assert standing.counted("highest", []) is None


def test_exempt_attempts_do_not_count_against_the_limit():
    assert standing.left(None, 0, 5) == standing.Left(None, None)
    assert standing.left(2, 0, 1) == standing.Left(0, 1)
    assert standing.left(2, 1, 1) == standing.Left(0, 2)
    assert standing.left(2, 1, 3) == standing.Left(0, 0)
    assert not standing.left(2, 1, 3).any and standing.left(None, 0, 9).any


NOW = datetime(2026, 12, 2, 10, tzinfo=timezone.utc)
OPEN, CLOSE = NOW - timedelta(days=1), NOW + timedelta(days=1)


@pytest.mark.parametrize("kwargs, expected", [
    ({}, ("available", None)),
    ({"taken": 1}, ("taken", None)),
    ({"passed": True}, ("passed", None)),
    ({"eligible": False}, ("unavailable", standing.NOT_COMPLETED)),
    ({"opens_at": NOW + timedelta(hours=1)}, ("not_started", "考试尚未开始")),
    ({"closes_at": NOW}, ("ended", "考试已结束")),
    ({"closes_at": NOW, "taken": 2}, ("failed", None)),
    ({"remaining": standing.Left(0, 0), "taken": 2}, ("failed", "考试次数已用完")),
    ({"in_progress": True, "taken": 1}, ("in_progress", None)),
])
def test_my_exams_status(kwargs, expected):
    args = {"now": NOW, "opens_at": OPEN, "closes_at": CLOSE, "exam_open": True,
            "eligible": True, "passed": False, "taken": 0,
            "remaining": standing.Left(None, None), "in_progress": False} | kwargs
    assert standing.status(**args) == expected
