"""learning's Nameko entrypoints. Thin: unpack, call the service layer, return plain data.
Heartbeats do not come through here: the HeartbeatConsumer applies them in batches."""
from eventlet import tpool
from nameko.rpc import rpc
from nameko.timer import timer

from services.common.dependencies import Database, Heartbeat, event_handler, idempotent
from services.common.errors import DomainError
from services.common.events import read_envelope
from services.common.jobs import JobQueue, sweep_seconds
from services.common.org_copy import apply_org_event
from services.common.runtime import prepare_service_process
from services.common.sheets import check_container
from services.common.storage import FileStorage

from . import (archives, certificates, community, course_import, course_page, courses,
               enrolment, exam_results, people, playback, plans, purchases, quotes)
from .heartbeat_consumer import HeartbeatConsumer
from .models import inbox, jobs, orgs, outbox
from .operators import require_operator

prepare_service_process()

expected = (DomainError,)
JOBS = JobQueue.from_env(jobs)


def offload(function, *args):
    """CPU-heavy work (PDF rendering and signing, ffmpeg) off the event loop, so RPC and
    the broker's heartbeats keep being served."""
    return tpool.execute(function, *args)


class LearningService:
    name = "learning"

    db = Database("learning", outbox, inbox)
    heartbeat = Heartbeat()
    heartbeats = HeartbeatConsumer()
    storage = FileStorage()

    @rpc
    def ping(self):
        return "pong"

    @rpc
    def replay_events(self, after_position=0, limit=100):
        return self.db.replay_events(after_position, limit)

    # --- operator: plans and courses -----------------------------------------

    @rpc(expected_exceptions=expected)
    def list_plans(self, actor, query=None):
        with self.db() as uow:
            return plans.listing(uow, actor, query or {})

    @rpc(expected_exceptions=expected)
    def get_plan(self, actor, plan_id):
        with self.db() as uow:
            return plans.detail(uow, actor, plan_id)

    @rpc(expected_exceptions=expected)
    def create_plan(self, actor, data):
        with self.db() as uow:
            return plans.create(uow, actor, data)

    @rpc(expected_exceptions=expected)
    def update_plan(self, actor, plan_id, data):
        with self.db() as uow:
            return plans.change(uow, actor, plan_id, data)

    @rpc(expected_exceptions=expected)
    def change_plan_status(self, actor, plan_id, action, closes_on=None):
        from datetime import date
        with self.db() as uow:
            return plans.change_status(uow, actor, plan_id, action,
                                       date.fromisoformat(closes_on) if closes_on else None)

    @rpc(expected_exceptions=expected)
    def list_courses(self, actor, query=None):
        with self.db() as uow:
            return courses.listing(uow, self.storage, actor, query or {})

    @rpc(expected_exceptions=expected)
    def get_course(self, actor, course_id):
        with self.db() as uow:
            return courses.detail(uow, self.storage, actor, course_id)

    @rpc(expected_exceptions=expected)
    def create_course(self, actor, data):
        with self.db() as uow:
            return courses.create(uow, self.storage, actor, data)

    @rpc(expected_exceptions=expected)
    def update_course(self, actor, course_id, data):
        with self.db() as uow:
            return courses.change(uow, self.storage, actor, course_id, data)

    @rpc(expected_exceptions=expected)
    def add_chapter(self, actor, course_id, data):
        with self.db() as uow:
            return courses.add_chapter(uow, actor, course_id, data)

    @rpc(expected_exceptions=expected)
    def update_chapter(self, actor, chapter_id, data):
        with self.db() as uow:
            return courses.rename_chapter(uow, actor, chapter_id, data)

    @rpc(expected_exceptions=expected)
    def attach_video(self, actor, chapter_id, key):
        with self.db() as uow:
            return courses.attach_video(uow, self.storage, actor, chapter_id, key, offload)

    @rpc(expected_exceptions=expected)
    def attach_image(self, actor, course_id, what, key):
        with self.db() as uow:
            return courses.attach_image(uow, self.storage, actor, course_id, what, key)

    @rpc(expected_exceptions=expected)
    def course_import_template(self, actor):
        require_operator(actor)
        key = "exports/learning/course-import-template.xlsx"
        self.storage.put(key, offload(course_import.template_bytes))
        return {"url": self.storage.signed_link(key, 300) + "&name=课程导入模板.xlsx"}

    @rpc(expected_exceptions=expected)
    def start_course_import(self, actor, key, filename):
        require_operator(actor)
        with self.storage.open(key) as fh:
            try:
                check_container(fh.read())
            except DomainError:
                self.storage.delete(key)
                raise
        with self.db() as uow:
            return course_import.queue(uow, actor, key, filename)

    @rpc(expected_exceptions=expected)
    def course_import_status(self, actor, job_id):
        with self.db() as uow:
            return course_import.status(uow, actor, job_id, self.storage)

    # --- learner: 我的课程, plans, electives, courses, playback ----------------

    @rpc(expected_exceptions=expected)
    def my_plans(self, actor, query=None):
        with self.db() as uow:
            return enrolment.my_plans(uow, actor, query or {})

    @rpc(expected_exceptions=expected)
    def activate_plan(self, actor, plan_id):
        with self.db() as uow:
            return enrolment.activate(uow, actor, plan_id)

    @rpc(expected_exceptions=expected)
    def plan_page(self, actor, plan_id):
        with self.db() as uow:
            return enrolment.plan_page(uow, actor, plan_id)

    @rpc(expected_exceptions=expected)
    def electives(self, actor, plan_id, query=None):
        with self.db() as uow:
            return enrolment.electives(uow, self.storage, actor, plan_id, query or {})

    @rpc(expected_exceptions=expected)
    def learner_course(self, actor, course_id):
        with self.db() as uow:
            return course_page.learner_course(uow, self.storage, actor, course_id)

    @rpc(expected_exceptions=expected)
    def course_preview(self, actor, course_id):
        with self.db() as uow:
            return playback.preview(uow, self.storage, actor, course_id)

    @rpc(expected_exceptions=expected)
    def start_playback(self, actor, chapter_id, mode="resume"):
        with self.db() as uow:
            return playback.start(uow, self.storage, actor, chapter_id, mode)

    @rpc(expected_exceptions=expected)
    def playback_status(self, actor, session_id):
        with self.db() as uow:
            return playback.status(uow, actor, session_id)

    @rpc(expected_exceptions=expected)
    def quote(self, actor, plan_id, course_ids):
        """For billing: the price of what the learner wants to buy, or why not."""
        with self.db() as uow:
            return quotes.quote(uow, actor, plan_id, course_ids)

    # --- notes, discussions, questions --------------------------------------

    @rpc(expected_exceptions=expected)
    def my_notes(self, actor, query=None, course_id=None):
        with self.db() as uow:
            return community.my_notes(uow, actor, query or {}, course_id)

    @rpc(expected_exceptions=expected)
    def add_note(self, actor, course_id, data):
        with self.db() as uow:
            return community.add_note(uow, actor, course_id, data)

    @rpc(expected_exceptions=expected)
    def update_note(self, actor, note_id, data):
        with self.db() as uow:
            return community.change_note(uow, actor, note_id, data)

    @rpc(expected_exceptions=expected)
    def delete_note(self, actor, note_id):
        with self.db() as uow:
            return community.remove_note(uow, actor, note_id)

    @rpc(expected_exceptions=expected)
    def course_posts(self, actor, course_id, kind, query=None):
        with self.db() as uow:
            return community.course_posts(uow, actor, course_id, kind, query or {})

    @rpc(expected_exceptions=expected)
    def add_post(self, actor, course_id, kind, data, thread_id=None):
        with self.db() as uow:
            return community.add_post(uow, actor, course_id, kind, data, thread_id)

    @rpc(expected_exceptions=expected)
    def moderation_list(self, actor, query=None):
        with self.db() as uow:
            return community.moderation_list(uow, actor, query or {})

    @rpc(expected_exceptions=expected)
    def moderate_post(self, actor, post_id, data):
        with self.db() as uow:
            return community.moderate(uow, actor, post_id, data)

    @rpc(expected_exceptions=expected)
    def answer_question(self, actor, post_id, data):
        with self.db() as uow:
            return community.answer_question(uow, actor, post_id, data)

    # --- archives and certificates ------------------------------------------

    @rpc(expected_exceptions=expected)
    def my_archive(self, actor):
        with self.db() as uow:
            return archives.my_archive(uow, actor)

    @rpc(expected_exceptions=expected)
    def my_plan_record(self, actor, enrolment_id):
        with self.db() as uow:
            return archives.my_plan_record(uow, actor, enrolment_id)

    @rpc(expected_exceptions=expected)
    def print_plan_record(self, actor, enrolment_id):
        with self.db() as uow:
            return archives.print_record(uow, self.storage, actor, enrolment_id, offload)

    @rpc(expected_exceptions=expected)
    def my_certificate(self, actor, enrolment_id):
        with self.db() as uow:
            return certificates.download(uow, self.storage, actor, enrolment_id)

    @rpc(expected_exceptions=expected)
    def learner_archive(self, actor, user_id):
        with self.db() as uow:
            return archives.learner_archive(uow, actor, user_id)

    @rpc(expected_exceptions=expected)
    def learner_plan_record(self, actor, user_id, enrolment_id):
        with self.db() as uow:
            return archives.learner_plan_record(uow, actor, user_id, enrolment_id)

    @rpc(expected_exceptions=expected)
    def add_offline_record(self, actor, user_id, data):
        with self.db() as uow:
            return archives.add_offline_record(uow, actor, user_id, data)

    @rpc(expected_exceptions=expected)
    def verify_certificate(self, code):
        with self.db() as uow:
            return certificates.public_view(uow, code)

    @rpc(expected_exceptions=expected)
    def list_certificates(self, actor, query=None):
        with self.db() as uow:
            return certificates.listing(uow, actor, query or {})

    @rpc(expected_exceptions=expected)
    def revoke_certificate(self, actor, code, data):
        with self.db() as uow:
            return certificates.revoke(uow, actor, code, data)

    # --- jobs -----------------------------------------------------------------

    def _job_kinds(self):
        return [certificates.job_kind(self.storage, offload),
                course_import.job_kind(self.storage, offload)]

    @event_handler("learning", "certificate_requested")
    def on_certificate_requested(self, body):
        JOBS.run(self.db, self._job_kinds(), job_id=read_envelope(body)["payload"]["job_id"])

    @event_handler("learning", "course_import_requested")
    def on_course_import_requested(self, body):
        JOBS.run(self.db, self._job_kinds(), job_id=read_envelope(body)["payload"]["job_id"])

    @timer(interval=sweep_seconds())
    def run_due_jobs(self):
        JOBS.run_due(self.db, self._job_kinds())

    # --- what other services tell -------------------------------------------

    @event_handler("billing", "order_paid")
    @idempotent
    def on_order_paid(self, uow, payload, envelope):
        purchases.order_paid(uow, payload)

    @event_handler("billing", "order_refunded")
    @idempotent
    def on_order_refunded(self, uow, payload, envelope):
        purchases.order_refunded(uow, payload)

    @event_handler("exam", "attempt_submitted")
    @idempotent
    def on_attempt_submitted(self, uow, payload, envelope):
        exam_results.attempt_submitted(uow, payload)

    @event_handler("exam", "exam_passed")
    @idempotent
    def on_exam_passed(self, uow, payload, envelope):
        exam_results.exam_passed(uow, payload)

    @event_handler("identity", "user_registered")
    @idempotent
    def on_user_registered(self, uow, payload, envelope):
        people.registered(uow, payload, envelope)

    @event_handler("identity", "user_updated")
    @idempotent
    def on_user_updated(self, uow, payload, envelope):
        people.updated(uow, payload, envelope)

    @event_handler("orgtree", "member_approved")
    @idempotent
    def on_member_approved(self, uow, payload, envelope):
        people.member_moved(uow, payload, envelope, "org_id")

    @event_handler("orgtree", "member_transferred")
    @idempotent
    def on_member_transferred(self, uow, payload, envelope):
        people.member_moved(uow, payload, envelope, "to_org_id")

    @event_handler("orgtree", "org_registered")
    @idempotent
    def on_org_registered(self, uow, payload, envelope):
        apply_org_event(uow, orgs, payload, envelope)

    @event_handler("orgtree", "org_approved")
    @idempotent
    def on_org_approved(self, uow, payload, envelope):
        apply_org_event(uow, orgs, payload, envelope)

    @event_handler("orgtree", "org_updated")
    @idempotent
    def on_org_updated(self, uow, payload, envelope):
        apply_org_event(uow, orgs, payload, envelope)

    @event_handler("orgtree", "org_moved")
    @idempotent
    def on_org_moved(self, uow, payload, envelope):
        apply_org_event(uow, orgs, payload, envelope)

    @event_handler("orgtree", "org_rejected")
    @idempotent
    def on_org_rejected(self, uow, payload, envelope):
        apply_org_event(uow, orgs, payload, envelope)

    @event_handler("orgtree", "org_withdrawn")
    @idempotent
    def on_org_withdrawn(self, uow, payload, envelope):
        apply_org_event(uow, orgs, payload, envelope)
