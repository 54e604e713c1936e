"""exam's Nameko entrypoints. Thin: unpack, call the service layer, return plain data.
exam calls no other service: what it knows of plans, courses and learners comes from
their events."""
import uuid

from eventlet import tpool
from nameko.rpc import rpc
from nameko.timer import timer

from services.common.dependencies import Database, Heartbeat, event_handler, idempotent
from services.common.errors import DomainError
from services.common.events import read_envelope
from services.common.jobs import JobQueue, sweep_seconds
from services.common.runtime import prepare_service_process
from services.common.sheets import check_container
from services.common.storage import FileStorage

from . import (attempt_logs, attempts, bank, catalog, eligibility, exams, my_exams, people,
               question_import)
from .submissions import SubmissionConsumer
from .access import require_operator
from .models import inbox, jobs, outbox

prepare_service_process()

expected = (DomainError,)
JOBS = JobQueue.from_env(jobs)
DEADLINE_SWEEP_SECONDS = 5


def offload(function, *args):
    """Reading and writing .xlsx off the event loop, so RPC and heartbeats go on."""
    return tpool.execute(function, *args)


class ExamService:
    name = "exam"

    db = Database("exam", outbox, inbox)
    heartbeat = Heartbeat()
    storage = FileStorage()
    submissions = SubmissionConsumer()  # 交卷 accepted by the gateway, graded in batches

    @rpc
    def ping(self):
        return "pong"

    @rpc
    def replay_events(self, after_position=0, limit=100):
        return self.db.replay_events(after_position, limit)

    # --- 我的考试 and sitting one ---------------------------------------------------

    @rpc(expected_exceptions=expected)
    def my_exams(self, actor):
        with self.db() as uow:
            return my_exams.listing(uow, actor)

    @rpc(expected_exceptions=expected)
    def start_attempt(self, actor, exam_id):
        with self.db() as uow:
            answer = attempts.start(uow, actor, exam_id)
            uow.commit()
            return answer

    @rpc(expected_exceptions=expected)
    def attempt(self, actor, token):
        with self.db() as uow:
            answer = attempts.view(uow, actor, token)
            uow.commit()  # an attempt past its deadline was graded on the way
            return answer

    @rpc(expected_exceptions=expected)
    def save_answers(self, actor, token, answers, marked=None):
        with self.db() as uow:
            answer = attempts.save(uow, actor, token, answers, marked)
            uow.commit()
            return answer

    @rpc(expected_exceptions=expected)
    def report_attempt_event(self, actor, token, kind):
        with self.db() as uow:
            answer = attempts.report(uow, actor, token, kind)
            uow.commit()
            return answer

    @rpc(expected_exceptions=expected)
    def submit_attempt(self, actor, token, answers=None, marked=None):
        """交卷 synchronously (tools and tests); the gateway accepts 交卷 onto the queue."""
        with self.db() as uow:
            answer = attempts.submit(uow, actor, token, answers, marked)
            uow.commit()
            return answer

    @timer(interval=DEADLINE_SWEEP_SECONDS)
    def close_due_attempts(self):
        with self.db() as uow:
            now = uow.clock.now()
        attempts.expire_due(self.db, now)

    # --- operator: question banks, exams, attempt logs ------------------------------

    @rpc(expected_exceptions=expected)
    def questions(self, actor, course_id, query=None):
        with self.db() as uow:
            return bank.listing(uow, actor, course_id, query or {})

    @rpc(expected_exceptions=expected)
    def add_question(self, actor, course_id, data):
        with self.db() as uow:
            answer = bank.add(uow, actor, course_id, data)
            uow.commit()
            return answer

    @rpc(expected_exceptions=expected)
    def change_question(self, actor, question_id, data):
        with self.db() as uow:
            answer = bank.change(uow, actor, question_id, data)
            uow.commit()
            return answer

    @rpc(expected_exceptions=expected)
    def retire_question(self, actor, question_id, active=False):
        with self.db() as uow:
            answer = bank.retire(uow, actor, question_id, active)
            uow.commit()
            return answer

    @rpc(expected_exceptions=expected)
    def question_template(self, actor):
        require_operator(actor)
        key = "exports/exam/question-import-template.xlsx"
        self.storage.put(key, offload(question_import.template_bytes))
        return {"url": self.storage.signed_link(key, 300) + "&name=题库导入模板.xlsx"}

    @rpc(expected_exceptions=expected)
    def export_questions(self, actor, course_id):
        with self.db() as uow:
            data = bank.export(uow, actor, course_id)
        key = f"exports/exam/question-bank-{int(course_id)}-{uuid.uuid4().hex}.xlsx"
        self.storage.put(key, data)
        return {"url": self.storage.signed_link(key, 300) + f"&name=题库{int(course_id)}.xlsx"}

    @rpc(expected_exceptions=expected)
    def start_question_import(self, actor, course_id, key, filename):
        require_operator(actor)
        with self.storage.open(key) as fh:
            try:
                check_container(fh.read())
            except DomainError:
                self.storage.delete(key)
                raise
        with self.db() as uow:
            return question_import.queue(uow, actor, course_id, key, filename)

    @rpc(expected_exceptions=expected)
    def question_import_status(self, actor, job_id):
        with self.db() as uow:
            return question_import.status(uow, actor, job_id, self.storage)

    @rpc(expected_exceptions=expected)
    def exams(self, actor, query=None):
        with self.db() as uow:
            return exams.listing(uow, actor, query or {})

    @rpc(expected_exceptions=expected)
    def exam(self, actor, exam_id):
        require_operator(actor)
        with self.db() as uow:
            return exams.view(exams.get(uow, exam_id))

    @rpc(expected_exceptions=expected)
    def define_exam(self, actor, data):
        with self.db() as uow:
            answer = exams.define(uow, actor, data)
            uow.commit()
            return answer

    @rpc(expected_exceptions=expected)
    def change_exam(self, actor, exam_id, data):
        with self.db() as uow:
            answer = exams.change(uow, actor, exam_id, data)
            uow.commit()
            return answer

    @rpc(expected_exceptions=expected)
    def publish_exam(self, actor, exam_id):
        with self.db() as uow:
            answer = exams.publish(uow, actor, exam_id)
            uow.commit()
            return answer

    @rpc(expected_exceptions=expected)
    def close_exam(self, actor, exam_id):
        with self.db() as uow:
            answer = exams.close(uow, actor, exam_id)
            uow.commit()
            return answer

    @rpc(expected_exceptions=expected)
    def exam_attempts(self, actor, exam_id, query=None):
        with self.db() as uow:
            return attempt_logs.listing(uow, actor, exam_id, query or {})

    @rpc(expected_exceptions=expected)
    def attempt_log(self, actor, attempt_id):
        with self.db() as uow:
            return attempt_logs.detail(uow, actor, attempt_id)

    def _job_kinds(self):
        return [question_import.job_kind(self.storage, offload)]

    @event_handler("exam", "question_import_requested")
    def on_question_import_requested(self, body):
        JOBS.run(self.db, self._job_kinds(), job_id=read_envelope(body)["payload"]["job_id"])

    @timer(interval=sweep_seconds())
    def run_due_jobs(self):
        JOBS.run_due(self.db, self._job_kinds())

    # --- what other services tell ---------------------------------------------------

    @event_handler("learning", "plan_published")
    @idempotent
    def on_plan_published(self, uow, payload, envelope):
        catalog.plan_changed(uow, payload, envelope)

    @event_handler("learning", "plan_updated")
    @idempotent
    def on_plan_updated(self, uow, payload, envelope):
        catalog.plan_changed(uow, payload, envelope)

    @event_handler("learning", "plan_activated")
    @idempotent
    def on_plan_activated(self, uow, payload, envelope):
        catalog.plan_activated(uow, payload)
        eligibility.recheck(uow, payload["user_id"], plan_id=payload["plan_id"])

    @event_handler("learning", "course_selected")
    @idempotent
    def on_course_selected(self, uow, payload, envelope):
        catalog.course_selected(uow, payload, envelope)
        eligibility.recheck(uow, payload["user_id"], course_id=payload["course_id"])

    @event_handler("learning", "course_withdrawn")
    @idempotent
    def on_course_withdrawn(self, uow, payload, envelope):
        catalog.course_withdrawn(uow, payload, envelope)

    @event_handler("learning", "course_completed")
    @idempotent
    def on_course_completed(self, uow, payload, envelope):
        if catalog.course_completed(uow, payload):
            eligibility.recheck(uow, payload["user_id"], course_id=payload["course_id"])

    @event_handler("identity", "user_registered")
    @idempotent
    def on_user_registered(self, uow, payload, envelope):
        people.COPY.registered(uow, payload, envelope)

    @event_handler("identity", "user_updated")
    @idempotent
    def on_user_updated(self, uow, payload, envelope):
        people.COPY.updated(uow, payload, envelope)
