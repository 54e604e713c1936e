"""The event envelope, and how a producer declares its events.

Each producing service defines its events next to its code, in `services/<producer>/events.py`:
a marshmallow payload schema per event and a `CATALOGUE` made with `catalogue(...)`, naming
the aggregate each event is about. The envelope is the same for every event:

    id, type, producer, aggregate {type, id, version}, occurred_at (UTC), schema_version, payload

`aggregate.version` is that aggregate's sequence number in its producer (1, 2, 3 ... written
with the outbox row, in commit order): a consumer that keeps state from events applies only
what is newer than what it holds, so it converges whatever the delivery order.
"""
import importlib
import uuid
from dataclasses import dataclass

from marshmallow import Schema, ValidationError, fields


class UnknownEvent(Exception):
    pass


class Payload(Schema):
    class Meta:
        # A producer may add fields before its consumers know them (compatible change).
        unknown = "include"


@dataclass(frozen=True)
class EventSpec:
    type: str
    schema: type
    aggregate: str       # the kind of thing the event is about: "org", "user", "member" ...
    key: str             # the payload field holding that thing's id
    version: int = 1     # schema version of the payload

    def aggregate_id(self, payload):
        value = payload.get(self.key) if isinstance(payload, dict) else getattr(payload, self.key)
        if value is None:
            raise ValidationError({self.key: [f"{self.type}: the aggregate id is missing"]})
        return str(value)


def event(event_type, schema, aggregate, key, version=1):
    return EventSpec(event_type, schema, aggregate, key, version)


def catalogue(*specs):
    return {spec.type: spec for spec in specs}


_catalogues = {}


def producer_catalogue(producer):
    """`services.<producer>.events.CATALOGUE`, found by convention so that the envelope
    code needs no list of services."""
    found = _catalogues.get(producer)
    if found is None:
        try:
            module = importlib.import_module(f"services.{producer}.events")
        except ModuleNotFoundError:
            raise UnknownEvent(f"{producer} defines no events") from None
        found = _catalogues[producer] = module.CATALOGUE
    return found


def event_spec(producer, event_type):
    try:
        return producer_catalogue(producer)[event_type]
    except KeyError:
        raise UnknownEvent(f"{producer}.{event_type} is not in the catalogue") from None


class Aggregate(Schema):
    type = fields.String(required=True)
    id = fields.String(required=True)
    version = fields.Integer(required=True)


class Envelope(Schema):
    id = fields.String(required=True)
    type = fields.String(required=True)
    producer = fields.String(required=True)
    # Events written before versioning (schema of 2026-11) have none: version 0 below.
    aggregate = fields.Nested(Aggregate, load_default=None)
    occurred_at = fields.String(required=True)
    schema_version = fields.Integer(required=True)
    payload = fields.Dict(required=True)


_SCHEMAS = {}


def _schema(spec):
    """One instance per event schema: building one deep-copies every declared field, which
    cost a millisecond or more per event written (a payment notification's largest cost)."""
    schema = _SCHEMAS.get(spec.schema)
    if schema is None:
        schema = _SCHEMAS[spec.schema] = spec.schema()
    return schema


def dump_payload(producer, event_type, payload):
    """Validate `payload` against the producer's catalogue; returns (spec, plain JSON)."""
    spec = event_spec(producer, event_type)
    schema = _schema(spec)
    try:
        dumped = schema.dump(payload)
    except (TypeError, ValueError, AttributeError) as exc:
        raise ValidationError(f"{event_type}: payload cannot be serialised: {exc}") from None
    errors = schema.validate(dumped)
    if errors:
        raise ValidationError(errors)
    return spec, dumped


def make_envelope(producer, event_type, payload, occurred_at, version=1):
    """Validate `payload` and wrap it; raises on a mismatch, so a producer cannot write
    an event its consumers would not understand. `version` is the aggregate's version
    (the unit of work assigns it)."""
    spec, dumped = dump_payload(producer, event_type, payload)
    return {
        "id": str(uuid.uuid4()),
        "type": event_type,
        "producer": producer,
        "aggregate": {"type": spec.aggregate, "id": spec.aggregate_id(dumped),
                      "version": int(version)},
        "occurred_at": occurred_at.isoformat(),
        "schema_version": spec.version,
        "payload": dumped,
    }


_ENVELOPE = Envelope()  # one instance: building a schema deep-copies its fields


def _well_formed(body):
    """The common case checked by hand (consumers take thousands a second): every field
    of Envelope present with its type. Anything else goes through the schema, which says
    what is wrong."""
    if not isinstance(body, dict) or not isinstance(body.get("payload"), dict):
        return False
    if not all(isinstance(body.get(k), str) for k in ("id", "type", "producer", "occurred_at")):
        return False
    if type(body.get("schema_version")) is not int:
        return False
    aggregate = body.get("aggregate")
    return aggregate is None or (
        isinstance(aggregate, dict) and isinstance(aggregate.get("type"), str)
        and isinstance(aggregate.get("id"), str) and type(aggregate.get("version")) is int)


def read_envelope(body):
    """Check an incoming envelope; returns it (payload untouched, still plain JSON)."""
    if _well_formed(body):
        return body
    errors = _ENVELOPE.validate(body)
    if errors:
        raise ValidationError(errors)
    return body


def aggregate_version(envelope):
    """The event's aggregate version; 0 for an event written before versioning."""
    return int((envelope.get("aggregate") or {}).get("version") or 0)


def is_newer(envelope, held_version):
    """Apply an event to a copy only if it is newer than what the copy holds. Unversioned
    (legacy) events are applied as they come, as they always were."""
    version = aggregate_version(envelope)
    return version == 0 or version > int(held_version or 0)


class NotYetApplicable(Exception):
    """An event arrived before one it depends on (a change to a person whose registration
    has not been applied yet): the handler raises this and the event is retried later,
    with the broker's delays, like any transient failure."""


# Failures that no retry can mend: straight to the dead letters.
PERMANENT_FAILURES = (ValidationError, UnknownEvent)
