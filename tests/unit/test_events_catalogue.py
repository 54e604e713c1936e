from pathlib import Path

import pytest
from marshmallow import ValidationError

from services.common.catalogue_doc import consumers, render
from services.common.clock import FrozenClock
from services.common.events import UnknownEvent, make_envelope, read_envelope

DOCS = Path(__file__).resolve().parents[2] / "docs" / "events.md"


def test_envelope_has_every_field_and_plain_json_payload():
    env = make_envelope("orgtree", "member_approved", {
        "membership_id": 1, "user_id": 2, "org_id": 3, "approved_by": None}, FrozenClock().now())
    assert set(env) == {"id", "type", "producer", "aggregate", "occurred_at", "schema_version",
                        "payload"}
    assert env["aggregate"] == {"type": "member", "id": "2", "version": 1}
    assert env["occurred_at"].endswith("+00:00")
    assert read_envelope(env) is env


def test_payload_not_matching_the_catalogue_is_refused_at_write_time():
    with pytest.raises(ValidationError):
        make_envelope("orgtree", "member_approved", {"user_id": "x"}, FrozenClock().now())
    with pytest.raises(ValidationError):
        make_envelope("orgtree", "member_approved", {"user_id": 1}, FrozenClock().now())


def test_event_outside_the_catalogue_is_refused():
    with pytest.raises(UnknownEvent):
        make_envelope("identity", "user_teleported", {}, FrozenClock().now())


def test_every_consumed_event_is_in_its_producers_catalogue():
    from services.common.events import producer_catalogue
    for producer, event_type in consumers():
        assert event_type in producer_catalogue(producer)


def test_each_producer_defines_its_own_events_and_common_keeps_the_envelope_only():
    from services.common import events
    from services.identity.events import CATALOGUE as identity_events
    from services.orgtree.events import CATALOGUE as orgtree_events
    assert "user_registered" in identity_events and "org_registered" in orgtree_events
    assert not hasattr(events, "CATALOGUE")
    assert all(spec.schema().fields[spec.key] for spec in
               list(identity_events.values()) + list(orgtree_events.values()))


def test_docs_events_md_is_current():
    assert DOCS.read_text() == render(), \
        "regenerate: python -m services.common.catalogue_doc > docs/events.md"
