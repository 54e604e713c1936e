"""The event envelope: id, type, producer, occurred_at (UTC), schema version, payload."""
import uuid

from marshmallow import Schema, ValidationError, fields

from .catalogue import CATALOGUE


class UnknownEvent(Exception):
    pass


class Envelope(Schema):
    id = fields.String(required=True)
    type = fields.String(required=True)
    producer = fields.String(required=True)
    occurred_at = fields.String(required=True)
    schema_version = fields.Integer(required=True)
    payload = fields.Dict(required=True)


def payload_schema(producer, event_type):
    try:
        return CATALOGUE[(producer, event_type)]
    except KeyError:
        raise UnknownEvent(f"{producer}.{event_type} is not in the catalogue") from None


def make_envelope(producer, event_type, payload, occurred_at):
    """Validate `payload` against the catalogue and wrap it; raises on a mismatch,
    so a producer cannot write an event its consumers would not understand."""
    version, schema_cls = payload_schema(producer, event_type)
    schema = schema_cls()
    try:
        dumped = schema.dump(payload)
    except (TypeError, ValueError, AttributeError) as exc:
        raise ValidationError(f"{event_type}: payload cannot be serialised: {exc}") from None
    errors = schema.validate(dumped)
    if errors:
        raise ValidationError(errors)
    return {
        "id": str(uuid.uuid4()),
        "type": event_type,
        "producer": producer,
        "occurred_at": occurred_at.isoformat(),
        "schema_version": version,
        "payload": dumped,
    }


def read_envelope(body):
    """Check an incoming envelope; returns it (payload untouched, still plain JSON)."""
    errors = Envelope().validate(body)
    if errors:
        raise ValidationError(errors)
    return body
