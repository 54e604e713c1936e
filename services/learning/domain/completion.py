"""When a plan is passed (已通过): the hours of its completed courses reach the plan's
total, of which at least the required part from required courses, and every required
exam is passed — the exams of its examined courses, plus the plan's extra exams for
make-up learners (the notice: two more)."""
from dataclasses import dataclass
from decimal import Decimal

from .hours import ZERO, hours


@dataclass(frozen=True)
class Standing:
    required_selected: Decimal
    elective_selected: Decimal
    required_completed: Decimal
    elective_completed: Decimal
    exams_missing: int

    @property
    def total_completed(self):
        return self.required_completed + self.elective_completed

    @property
    def total_selected(self):
        return self.required_selected + self.elective_selected


def standing(courses, passed_exam_courses, plan_exams_passed, extra_required_exams):
    """`courses`: the learner's active selections in the plan, each a mapping with kind,
    hours, completed (bool), exam_required. `passed_exam_courses`: course ids whose exam
    the learner passed; `plan_exams_passed`: how many of the plan's own exams passed."""
    sums = {"required_selected": ZERO, "elective_selected": ZERO,
            "required_completed": ZERO, "elective_completed": ZERO}
    missing = 0
    for course in courses:
        h = hours(course["hours"])
        sums[f"{course['kind']}_selected"] += h
        if course["completed"]:
            sums[f"{course['kind']}_completed"] += h
        if course["exam_required"] and course["course_id"] not in passed_exam_courses:
            missing += 1
    missing += max(0, int(extra_required_exams) - int(plan_exams_passed))
    return Standing(exams_missing=missing, **sums)


def passed(plan, standing_):
    return (standing_.total_completed >= hours(plan["total_hours"])
            and standing_.required_completed >= hours(plan["required_hours"])
            and standing_.exams_missing == 0)
