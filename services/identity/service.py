"""identity's Nameko entrypoints. Thin: unpack, call the service layer, return plain data."""
import logging
from datetime import timedelta

from eventlet import tpool
from nameko.extensions import DependencyProvider
from nameko.rpc import rpc
from nameko.timer import timer

from services.common.dependencies import Database, Heartbeat, event_handler, idempotent
from services.common.errors import DomainError, InvalidInput
from services.common.events import read_envelope
from services.common.jobs import JobQueue, sweep_seconds
from services.common.runtime import prepare_service_process
from services.common.settings import env, flag
from services.common.storage import FileStorage

from . import (accounts, admin_invitations, admins, audit_trail, authentication,
               captcha_store, directory, learner_export, learner_import, org_applicants,
               org_copy, person_changes, subordinate_admins)
from .domain import import_sheet, passwords, permissions, vocab
from .models import inbox, jobs, outbox
from .tokens import ACCESS_TTL, TokenIssuer

prepare_service_process()

log = logging.getLogger(__name__)

expected = (DomainError,)


class OffloadedHasher:
    """Argon2 is CPU work that releases the GIL: run it in eventlet's thread pool so
    the service keeps answering (and heartbeating) while it hashes."""

    def __init__(self, hasher):
        self._hasher = hasher
        self.parameters = hasher.parameters

    def hash(self, password):
        return tpool.execute(self._hasher.hash, password)

    def verify(self, password_hash, password):
        return tpool.execute(self._hasher.verify, password_hash, password)


HASHER = OffloadedHasher(passwords.Hasher(
    time_cost=int(env("IDENTITY_ARGON2_TIME_COST", "2")),
    memory_cost=int(env("IDENTITY_ARGON2_MEMORY_KIB", str(19 * 1024))),
    parallelism=int(env("IDENTITY_ARGON2_PARALLELISM", "1"))))
ISSUER = TokenIssuer()
JOBS = JobQueue.from_env(jobs)


class CaptchaPolicy(DependencyProvider):
    """Whether login demands a captcha. AUTH_CAPTCHA=off exists for automated and load
    tests only, and says so loudly."""

    def setup(self):
        configured = str(self.container.config.get("AUTH_CAPTCHA", "on")).lower() != "off"
        self.enabled = flag("AUTH_CAPTCHA", configured)
        if not self.enabled:
            log.warning("!!! AUTH_CAPTCHA=off: login accepts no captcha. "
                        "For automated and load tests only, never in production. !!!")

    def get_dependency(self, worker_ctx):
        return self.enabled


class IdentityService:
    name = "identity"

    db = Database("identity", outbox, inbox)
    heartbeat = Heartbeat()
    captcha_required = CaptchaPolicy()
    hasher = HASHER
    issuer = ISSUER
    storage = FileStorage()

    # --- health and keys --------------------------------------------------

    @rpc
    def ping(self):
        return "pong"

    @rpc
    def public_keys(self):
        return self.issuer.public_keys()

    @rpc
    def replay_events(self, after_position=0, limit=100):
        return self.db.replay_events(after_position, limit)

    @rpc
    def vocabularies(self):
        return vocab.all_vocabularies() | {
            "permission_modules": [{"code": k, "label": v}
                                   for k, v in permissions.MODULES.items()]}

    # --- captcha, registration, login ------------------------------------

    @rpc
    def new_captcha(self):
        answer = captcha_store.new_answer()
        png = tpool.execute(captcha_store.render_png, answer)
        with self.db() as uow:
            captcha_id, expires_at = captcha_store.create(uow, answer)
        return {"captcha_id": captcha_id, "image": captcha_store.data_uri(png),
                "expires_at": expires_at.isoformat()}

    @rpc(expected_exceptions=expected)
    def register(self, data):
        with self.db() as uow:
            return accounts.register(uow, self.hasher, data)

    @rpc(expected_exceptions=expected)
    def login(self, data, client=None):
        return authentication.login(self.db, self.hasher, self.issuer, self.captcha_required,
                                    data, client)

    @rpc(expected_exceptions=expected)
    def refresh(self, refresh_token):
        with self.db() as uow:
            return authentication.refresh(uow, self.issuer, refresh_token)

    @rpc(expected_exceptions=expected)
    def logout(self, refresh_token):
        with self.db() as uow:
            authentication.logout(uow, refresh_token)
        return {"logged_out": True}

    # identity calls no other service (orgtree calls identity): the gateway adds the
    # person's unit registrations from orgtree to these answers.

    @rpc(expected_exceptions=expected)
    def registration_status(self, real_name, id_number):
        """注册审核进度查询 of the person's own registration, with their user id."""
        with self.db() as uow:
            return accounts.registration_status(uow, real_name, id_number)

    @rpc(expected_exceptions=expected)
    def withdraw_registration(self, real_name, id_number, password):
        """撤回申请 of the person's own registration."""
        with self.db() as uow:
            return accounts.withdraw_registration(uow, self.hasher, real_name, id_number,
                                                  password)

    @rpc(expected_exceptions=expected)
    def verify_registrant(self, real_name, id_number, password):
        """The user id behind name + ID number once the password proves it is them (a
        wrong password counts towards the lock), for withdrawing a unit's registration."""
        with self.db() as uow:
            return {"user_id": accounts.registrant(uow, self.hasher, real_name, id_number,
                                                   password)}

    # --- applicants of unit registrations (called by orgtree) ----------------

    @rpc(expected_exceptions=expected)
    def org_applicant(self, org_id, applicant):
        clean = org_applicants.check(applicant)
        if clean["existing"]:
            with self.db() as uow:
                return org_applicants.existing_account(uow, self.hasher, clean)
        password_hash = self.hasher.hash(clean["password"])
        with self.db() as uow:
            result = org_applicants.new_account(uow, password_hash, int(org_id), clean)
            uow.commit()
            return result

    @rpc
    def discard_org_applicant(self, user_id):
        with self.db() as uow:
            discarded = org_applicants.discard(uow, int(user_id))
            uow.commit()
            return discarded

    # --- the signed-in person --------------------------------------------

    @rpc(expected_exceptions=expected)
    def get_profile(self, actor):
        with self.db() as uow:
            return accounts.get_profile(uow, int(actor["user_id"]))

    @rpc(expected_exceptions=expected)
    def update_profile(self, actor, changes):
        with self.db() as uow:
            return accounts.update_profile(uow, int(actor["user_id"]), changes)

    @rpc
    def grant_changes(self):
        """For the gateway: admin grants ended, or whose role's modules changed, within an
        access token's lifetime."""
        with self.db() as uow:
            return admins.grant_changes(uow, ACCESS_TTL + timedelta(minutes=1))

    # --- invitations to be an admin (for the invited person) ----------------------

    @rpc(expected_exceptions=expected)
    def my_admin_invitations(self, actor):
        with self.db() as uow:
            return admin_invitations.mine(uow, actor)

    @rpc(expected_exceptions=expected)
    def accept_admin_invitation(self, actor, grant_id):
        with self.db() as uow:
            return admin_invitations.accept(uow, actor, int(grant_id))

    @rpc(expected_exceptions=expected)
    def decline_admin_invitation(self, actor, grant_id):
        with self.db() as uow:
            return admin_invitations.decline(uow, actor, int(grant_id))

    # --- 管理下级单位 / 管理施教机构: their admins ---------------------------------

    @rpc(expected_exceptions=expected)
    def subordinate_admins(self, actor, org_id):
        with self.db() as uow:
            return subordinate_admins.admins_of(uow, actor, int(org_id))

    @rpc(expected_exceptions=expected)
    def remove_subordinate_admin(self, actor, org_id, grant_id):
        with self.db() as uow:
            return subordinate_admins.remove(uow, actor, int(org_id), int(grant_id))

    # --- 人员信息变更 (name / document changes under review) -------------------

    @rpc(expected_exceptions=expected)
    def submit_info_change(self, actor, changes):
        with self.db() as uow:
            return person_changes.submit(uow, int(actor["user_id"]), changes)

    @rpc(expected_exceptions=expected)
    def my_info_changes(self, actor):
        with self.db() as uow:
            return person_changes.mine(uow, int(actor["user_id"]))

    @rpc(expected_exceptions=expected)
    def withdraw_info_change(self, actor, change_id):
        with self.db() as uow:
            return person_changes.withdraw(uow, int(actor["user_id"]), int(change_id))

    @rpc
    def pending_person_changes(self, path):
        with self.db() as uow:
            return person_changes.pending_under(uow, path)

    @rpc(expected_exceptions=expected)
    def person_change_reviews(self, actor, query):
        with self.db() as uow:
            return person_changes.reviews(uow, actor, query or {})

    @rpc(expected_exceptions=expected)
    def decide_person_changes(self, actor, change_ids, decision, reason=None):
        with self.db() as uow:
            return person_changes.decide(uow, actor, change_ids, decision, reason)

    @rpc(expected_exceptions=expected)
    def change_password(self, actor, data):
        user_id = int(actor["user_id"])
        with self.db() as uow:
            row = accounts.load_for_password_change(uow, user_id)
        accounts.check_new_password(self.hasher, row, data.get("old_password"),
                                    data.get("new_password"), data.get("new_password_confirm"))
        new_hash = self.hasher.hash(data["new_password"])
        with self.db() as uow:
            accounts.store_password(uow, user_id, new_hash, must_change=False)
            account = authentication.find_account(uow, row.username)
            grant = (authentication.active_grant(uow, user_id, actor.get("org_id"))
                     if actor.get("role") == "admin" else None)
            tokens = authentication.issue_tokens(uow, self.issuer, account, actor["role"], grant,
                                                 uow.clock.now())
            uow.commit()
        return tokens

    # --- admins -----------------------------------------------------------

    @rpc(expected_exceptions=expected)
    def reset_learner_password(self, actor, user_id):
        """Henan FAQ: the reset password is the last six characters of the ID number,
        and the person must change it at the next login."""
        with self.db() as uow:
            target = accounts.target_for_reset(uow, actor, int(user_id))
        new_hash = self.hasher.hash(passwords.reset_password_for(target.id_number))
        with self.db() as uow:
            accounts.store_password(uow, target.user_id, new_hash, must_change=True)
            uow.add_event("password_reset", {"user_id": target.user_id,
                                             "by_user_id": int(actor["user_id"])})
            audit_trail.record(uow, actor, "learner_password_reset", "user", target.user_id)
            uow.commit()
        return {"user_id": target.user_id, "must_change_password": True}

    @rpc(expected_exceptions=expected)
    def search_learners(self, actor, query):
        with self.db() as uow:
            return directory.search_learners(uow, actor, query)

    @rpc(expected_exceptions=expected)
    def export_learners(self, actor, query):
        with self.db() as uow:
            rows = directory.rows_for_export(uow, actor, query)
            now = uow.clock.now()
        # Building the workbook is CPU work: off the event loop, so the service keeps
        # answering and heartbeating meanwhile.
        data = tpool.execute(learner_export.workbook_bytes, rows)
        return learner_export.store(self.storage, data, len(rows), now)

    @rpc(expected_exceptions=expected)
    def import_template(self, actor):
        permissions.require_module(actor, "batch_import")
        data = tpool.execute(learner_import.template_bytes)
        with self.db() as uow:
            now = uow.clock.now()
        return learner_export.store(self.storage, data, 0, now, title="学员导入模板")

    @rpc(expected_exceptions=expected)
    def start_import(self, actor, org_id, upload_key, filename=None):
        """Checks who asks, where, and that the upload is an .xlsx at all; the rows are
        read by the job (learner_import.run), as 50,000 outlive an RPC."""
        with self.db() as uow:
            learner_import.check_request(uow, actor, int(org_id))
        if not upload_key.startswith("uploads/") or not self.storage.exists(upload_key):
            raise InvalidInput("upload_missing", "上传的文件不存在，请重新上传",
                               fields={"file": ["上传的文件不存在"]})
        with self.storage.open(upload_key) as fh:
            import_sheet.check_container(fh.read())
        with self.db() as uow:
            job_id = learner_import.queue(uow, actor, int(org_id), upload_key, filename)
        return {"import_id": job_id, "status": "queued"}

    @rpc(expected_exceptions=expected)
    def import_status(self, actor, import_id):
        with self.db() as uow:
            job = learner_import.job_for(uow, actor, int(import_id))
            now = uow.clock.now()
        if job.get("report_key"):
            job["failure_report"] = learner_export.link_to(
                self.storage, job.pop("report_key"), now, f"导入失败信息_{job['import_id']}.xlsx")
        job.pop("report_key", None)
        return job

    # --- jobs (services/common/jobs.py) -----------------------------------

    def _job_kinds(self):
        return [learner_import.job_kind(self.storage, offload=tpool.execute)]

    @event_handler("identity", "learner_import_requested")
    def on_learner_import_requested(self, body):
        """Starts the new job at once. Safe to deliver twice: only a claimable job runs,
        and a job that is running elsewhere is left to its lease."""
        JOBS.run(self.db, self._job_kinds(), job_id=read_envelope(body)["payload"]["import_id"])

    @timer(interval=sweep_seconds())
    def run_due_jobs(self):
        """Runs jobs whose worker died (lease run out), whose retry is due, or whose
        starting event was lost."""
        JOBS.run_due(self.db, self._job_kinds())

    @rpc(expected_exceptions=expected)
    def add_learner(self, actor, data):
        with self.db() as uow:
            return accounts.add_by_admin(uow, self.hasher, actor, data)

    @rpc(expected_exceptions=expected)
    def batch_query_learners(self, actor, by, values):
        with self.db() as uow:
            return directory.batch_query(uow, actor, by, values)

    @rpc(expected_exceptions=expected)
    def get_learner(self, actor, user_id):
        with self.db() as uow:
            return directory.learner_in_scope(uow, actor, int(user_id))

    # --- roles and admins (super admins of an org) ---------------------------

    @rpc(expected_exceptions=expected)
    def list_roles(self, actor, org_id=None):
        with self.db() as uow:
            return admins.list_roles(uow, actor, org_id)

    @rpc(expected_exceptions=expected)
    def create_role(self, actor, data, org_id=None):
        with self.db() as uow:
            return admins.create_role(uow, actor, data, org_id)

    @rpc(expected_exceptions=expected)
    def update_role(self, actor, role_id, data, org_id=None):
        with self.db() as uow:
            return admins.update_role(uow, actor, int(role_id), data, org_id)

    @rpc(expected_exceptions=expected)
    def delete_role(self, actor, role_id, org_id=None):
        with self.db() as uow:
            admins.delete_role(uow, actor, int(role_id), org_id)

    @rpc(expected_exceptions=expected)
    def list_admins(self, actor, org_id=None):
        with self.db() as uow:
            return admins.list_admins(uow, actor, org_id)

    @rpc(expected_exceptions=expected)
    def add_admin(self, actor, data, org_id=None):
        with self.db() as uow:
            return admins.add_admin(uow, actor, data, org_id)

    @rpc(expected_exceptions=expected)
    def set_admin_status(self, actor, grant_id, status, org_id=None):
        if status not in ("active", "disabled", "revoked"):
            raise InvalidInput("status_invalid", "状态不正确", fields={"status": ["状态不正确"]})
        with self.db() as uow:
            return admins.set_admin_status(uow, actor, int(grant_id), status, org_id)

    @rpc(expected_exceptions=expected)
    def make_super_admin(self, actor, grant_id, org_id=None):
        with self.db() as uow:
            return admins.make_super(uow, actor, int(grant_id), org_id)

    @rpc(expected_exceptions=expected)
    def reset_admin_password(self, actor, grant_id, org_id=None):
        with self.db() as uow:
            user_id, new_password = admins.reset_target(uow, actor, int(grant_id), org_id)
        new_hash = self.hasher.hash(new_password)
        with self.db() as uow:
            accounts.store_password(uow, user_id, new_hash, must_change=True)
            uow.add_event("password_reset", {"user_id": user_id,
                                             "by_user_id": int(actor["user_id"])})
            audit_trail.record(uow, actor, "admin_password_reset", "user", user_id)
            uow.commit()
        return {"user_id": user_id, "must_change_password": True}

    # --- events from orgtree ----------------------------------------------

    @event_handler("orgtree", "org_registered")
    @idempotent
    def on_org_registered(self, uow, payload, envelope):
        org_copy.apply_org_event(uow, payload, envelope)

    @event_handler("orgtree", "org_approved")
    @idempotent
    def on_org_approved(self, uow, payload, envelope):
        org_copy.apply_org_event(uow, payload, envelope)
        org_applicants.on_org_approved(uow, payload)

    @event_handler("orgtree", "org_rejected")
    @idempotent
    def on_org_rejected(self, uow, payload, envelope):
        org_copy.apply_org_event(uow, payload, envelope)
        org_applicants.on_org_refused(uow, payload)

    @event_handler("orgtree", "org_withdrawn")
    @idempotent
    def on_org_withdrawn(self, uow, payload, envelope):
        org_copy.apply_org_event(uow, payload, envelope)
        org_applicants.on_org_refused(uow, payload)

    @event_handler("orgtree", "org_updated")
    @idempotent
    def on_org_updated(self, uow, payload, envelope):
        org_copy.apply_org_event(uow, payload, envelope)

    @event_handler("orgtree", "org_moved")
    @idempotent
    def on_org_moved(self, uow, payload, envelope):
        org_copy.apply_org_event(uow, payload, envelope)

    @event_handler("orgtree", "member_approved")
    @idempotent
    def on_member_approved(self, uow, payload, envelope):
        accounts.apply_membership(uow, payload["user_id"], payload["org_id"], "active",
                                  envelope)

    @event_handler("orgtree", "member_transferred")
    @idempotent
    def on_member_transferred(self, uow, payload, envelope):
        accounts.apply_membership(uow, payload["user_id"], payload["to_org_id"], "active",
                                  envelope)

    @event_handler("orgtree", "member_rejected")
    @idempotent
    def on_member_rejected(self, uow, payload, envelope):
        accounts.apply_membership(uow, payload["user_id"], payload["org_id"], "rejected",
                                  envelope)
