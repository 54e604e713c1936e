"""identity's admin actions go into the one audit log (kept by orgtree, which owns the
org hierarchy it is read along) as `admin_action_recorded` events, written in the same
transaction as the action itself."""


def record(uow, actor, action, target_type, target_id, before=None, after=None):
    uow.add_event("admin_action_recorded", {
        "actor_user_id": int(actor["user_id"]),
        "actor_org_path": actor.get("org_path") if actor.get("role") == "admin" else None,
        "action": action, "target_type": target_type, "target_id": int(target_id),
        "before": before, "after": after, "at": uow.clock.now()})
