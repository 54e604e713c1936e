"""exam: question banks, exams, attempts, grading. Only its event catalogue exists yet
(learning consumes attempt_submitted / exam_passed)."""
