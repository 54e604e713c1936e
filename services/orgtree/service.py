"""orgtree's Nameko entrypoints. Thin: unpack, call the service layer, return plain data."""
from nameko.rpc import rpc

from services.common.dependencies import Database, Heartbeat, event_handler, idempotent
from services.common.errors import DomainError
from services.common.rpc_client import ServiceRpc
from services.common.runtime import prepare_service_process
from services.common.storage import FileStorage

from . import (audit, certificate_scans, departments, membership, org_changes, registrations,
               reviews, subordinates, transfers, tree)
from .models import inbox, outbox

prepare_service_process()

expected = (DomainError,)


class OrgTreeService:
    name = "orgtree"

    db = Database("orgtree", outbox, inbox)
    heartbeat = Heartbeat()
    storage = FileStorage()
    identity = ServiceRpc("identity")  # the one way calls go: orgtree -> identity

    @rpc
    def ping(self):
        return "pong"

    @rpc
    def replay_events(self, after_position=0, limit=100):
        return self.db.replay_events(after_position, limit)

    @rpc(expected_exceptions=expected)
    def picker(self, parent_id=None, q=None):
        """The org picker of the registration wizard: one level, or a name search."""
        with self.db() as uow:
            if q:
                return {"items": tree.search(uow, q)}
            return {"items": tree.children(uow, parent_id)}

    @rpc(expected_exceptions=expected)
    def get_org(self, org_id):
        with self.db() as uow:
            return tree.get_org(uow, int(org_id))

    # --- 单位注册 ------------------------------------------------------------

    @rpc(expected_exceptions=expected)
    def accept_certificate(self, key):
        """Step one of the wizard: the uploaded scan is checked before the form goes on."""
        return {"certificate_id": key, "kind": certificate_scans.accept(self.storage, key)}

    @rpc(expected_exceptions=expected)
    def register_org(self, data, applicant):
        with self.db() as uow:
            return registrations.register(uow, self.storage, self.identity, data, applicant)

    @rpc(expected_exceptions=expected)
    def org_registrations(self, actor, query):
        with self.db() as uow:
            return registrations.pending(uow, self.storage, actor, query or {})

    @rpc(expected_exceptions=expected)
    def decide_org_registrations(self, actor, org_ids, decision, reason=None,
                                 confirm_code_warning=False):
        with self.db() as uow:
            return registrations.decide(uow, actor, org_ids, decision, reason,
                                        bool(confirm_code_warning))

    @rpc(expected_exceptions=expected)
    def registrations_of_applicant(self, user_id):
        with self.db() as uow:
            return registrations.of_applicant(uow, int(user_id))

    @rpc(expected_exceptions=expected)
    def withdraw_org_registration(self, org_id, user_id):
        with self.db() as uow:
            return registrations.withdraw(uow, int(org_id), int(user_id))

    @rpc(expected_exceptions=expected)
    def subordinate_units(self, actor, query):
        with self.db() as uow:
            return subordinates.listing(uow, self.storage, actor, query or {})

    # --- 修改单位信息 / 更换上级部门 / 变更记录 -------------------------------------

    @rpc(expected_exceptions=expected)
    def my_org(self, actor):
        with self.db() as uow:
            return org_changes.org_profile(uow, self.storage, actor)

    @rpc(expected_exceptions=expected)
    def update_my_org(self, actor, data):
        with self.db() as uow:
            return org_changes.update_direct(uow, self.storage, actor, data)

    @rpc(expected_exceptions=expected)
    def request_org_info_change(self, actor, data):
        with self.db() as uow:
            return org_changes.request_info_change(uow, self.storage, self.identity, actor,
                                                   data)

    @rpc(expected_exceptions=expected)
    def request_parent_change(self, actor, parent_id):
        with self.db() as uow:
            return org_changes.request_parent_change(uow, self.identity, actor, int(parent_id))

    @rpc(expected_exceptions=expected)
    def withdraw_org_change(self, actor, change_id):
        with self.db() as uow:
            return org_changes.withdraw(uow, actor, int(change_id))

    @rpc(expected_exceptions=expected)
    def org_change_records(self, actor, org_id=None, page=1, page_size=None):
        with self.db() as uow:
            return org_changes.records(uow, actor, org_id, page, page_size)

    @rpc(expected_exceptions=expected)
    def org_change_reviews(self, actor, query):
        with self.db() as uow:
            return org_changes.reviews(uow, actor, query or {})

    @rpc(expected_exceptions=expected)
    def decide_org_changes(self, actor, change_ids, decision, reason=None):
        with self.db() as uow:
            return org_changes.decide(uow, actor, change_ids, decision, reason)

    @rpc(expected_exceptions=expected)
    def move_org(self, actor, org_id, parent_id):
        with self.db() as uow:
            return org_changes.move_by_operator(uow, actor, org_id, parent_id)

    # --- members ----------------------------------------------------------

    @rpc(expected_exceptions=expected)
    def member_reviews(self, actor, query):
        with self.db() as uow:
            return reviews.pending(uow, actor, query or {})

    @rpc(expected_exceptions=expected)
    def decide_members(self, actor, membership_ids, decision, reason=None):
        with self.db() as uow:
            return reviews.decide(uow, actor, membership_ids, decision, reason)

    @rpc(expected_exceptions=expected)
    def departments(self, actor, parent_id=None):
        with self.db() as uow:
            return departments.listing(uow, actor, None if parent_id is None else int(parent_id))

    @rpc(expected_exceptions=expected)
    def add_department(self, actor, name, parent_id):
        with self.db() as uow:
            return departments.add(uow, actor, name, int(parent_id))

    @rpc(expected_exceptions=expected)
    def change_department(self, actor, org_id, name=None, status=None):
        with self.db() as uow:
            return departments.change(uow, actor, int(org_id), name, status)

    @rpc(expected_exceptions=expected)
    def transfer_out(self, actor, user_id, to_org_id, note=None):
        with self.db() as uow:
            return transfers.send_out(uow, actor, int(user_id), int(to_org_id), note)

    @rpc(expected_exceptions=expected)
    def move_members(self, actor, user_ids, to_org_id):
        with self.db() as uow:
            return transfers.move(uow, actor, user_ids, int(to_org_id))

    @rpc(expected_exceptions=expected)
    def decide_transfer(self, actor, transfer_id, decision, reason=None):
        with self.db() as uow:
            return transfers.decide(uow, actor, int(transfer_id), decision, reason)

    @rpc(expected_exceptions=expected)
    def transfer_records(self, actor, direction, status=None, page=1, page_size=None):
        with self.db() as uow:
            return transfers.records(uow, actor, direction, status, page, page_size)

    @rpc(expected_exceptions=expected)
    def audit_log(self, actor, page=1, page_size=None):
        with self.db() as uow:
            return audit.entries(uow, actor, page, page_size)

    @event_handler("identity", "user_registered")
    @idempotent
    def on_user_registered(self, uow, payload, envelope):
        membership.record_registration(uow, payload, envelope)

    @event_handler("identity", "user_updated")
    @idempotent
    def on_user_updated(self, uow, payload, envelope):
        membership.person_updated(uow, payload, envelope)

    @event_handler("identity", "user_withdrawn")
    @idempotent
    def on_user_withdrawn(self, uow, payload, envelope):
        membership.withdraw(uow, payload, envelope)

    @event_handler("identity", "admin_action_recorded")
    @idempotent
    def on_admin_action_recorded(self, uow, payload, envelope):
        audit.record_from_identity(uow, payload)
