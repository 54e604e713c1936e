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
    assert set(env) == {"id", "type", "producer", "occurred_at", "schema_version", "payload"}
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


def test_every_consumed_event_is_in_the_catalogue():
    from services.common.catalogue import CATALOGUE
    assert set(consumers()) <= set(CATALOGUE)


def test_docs_events_md_is_current():
    assert DOCS.read_text() == render(), \
        "regenerate: python -m services.common.catalogue_doc > docs/events.md"
