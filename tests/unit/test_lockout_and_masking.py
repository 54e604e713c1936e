from datetime import timedelta

from services.common.clock import FrozenClock
from services.identity.domain import lockout
from services.identity.domain.masking import mask_id_number, mask_mobile


def test_fifth_failure_locks_for_fifteen_minutes():
    now = FrozenClock().now()
    failed = 0
    for _ in range(4):
        failed, until = lockout.after_failure(failed, now)
        assert until is None
    failed, until = lockout.after_failure(failed, now)
    assert until == now + timedelta(minutes=15)
    assert failed == 0


def test_lock_ends_when_its_time_is_past():
    clock = FrozenClock()
    account = {"locked_until": clock.now() + timedelta(minutes=15)}
    assert lockout.locked_until(account, clock.now())
    clock.advance(minutes=15, seconds=1)
    assert lockout.locked_until(account, clock.now()) is None


def test_masks():
    assert mask_id_number("120101199001011028") == "1201**********1028"
    assert mask_id_number("H1234567") == "H******7"
    assert mask_mobile("13812345678") == "138****5678"
