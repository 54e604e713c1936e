"""The shape every batch review takes (审核: 批量通过 / 驳回): a decision, a reason that a
rejection must give, and 1..max ids; then each id decided on its own, and the answer
saying which were decided and, for the others, why not. Who may decide what stays in
each service."""
from .errors import InvalidInput


def batch_decision(decision, reason, ids, max_batch, ids_field, unit="条"):
    """-> (approved: bool, reason or None, sorted unique ids); InvalidInput otherwise."""
    if decision not in ("approve", "reject"):
        raise InvalidInput("decision_invalid", "请选择通过或驳回",
                           fields={"decision": ["须为 approve 或 reject"]})
    reason = (reason or "").strip() or None
    if decision == "reject" and not reason:
        raise InvalidInput("reason_required", "驳回时须填写原因", fields={"reason": ["驳回时须填写原因"]})
    unique = sorted({int(i) for i in ids})
    if not unique or len(unique) > max_batch:
        raise InvalidInput("batch_size", f"每次审核1–{max_batch}{unit}",
                           fields={ids_field: [f"须为1–{max_batch}{unit}"]})
    return decision == "approve", reason, unique


def apply_batch(ids, decide_one, id_field, done="decided"):
    """Apply `decide_one(id)` to each id in turn: it acts and returns None, or returns the
    Chinese reason it did not. -> {done: [ids], "skipped": [{id_field: id, "reason": …}]}
    (contracts.batch_result describes it)."""
    result = {done: [], "skipped": []}
    for item_id in ids:
        why = decide_one(item_id)
        if why is None:
            result[done].append(item_id)
        else:
            result["skipped"].append({id_field: item_id, "reason": why})
    return result
