"""Shapes every service's API shares, defined once for the services and the gateway (no
framework imports): a batch decision and its answer."""
from .schema import Schema, fields, length


class BatchDecisionBody(Schema):
    """批量通过 / 驳回: each service's body adds its list of ids (decisions.batch_decision
    checks the values)."""
    decision = fields.String(required=True, metadata={"description": "approve 通过 / reject 驳回"})
    reason = fields.String(load_default=None, validate=length(max=200),
                           metadata={"description": "驳回时必填"})


def batch_result(name, id_field, done="decided", skipped_description=None):
    """The schema of decisions.apply_batch's answer, named `name` in the OpenAPI document:
    {done: [ids], skipped: [{id_field, reason}]}."""
    skipped = Schema.from_dict({id_field: fields.Integer(),
                                "reason": fields.String(metadata={"description": "未处理的原因"})},
                               name=f"{name}Skipped")
    return Schema.from_dict({
        done: fields.List(fields.Integer()),
        "skipped": fields.List(fields.Nested(skipped), metadata={
            "description": skipped_description or "未处理的条目及原因"}),
    }, name=name)
