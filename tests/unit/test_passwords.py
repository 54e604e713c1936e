import pytest

from services.common.errors import InvalidInput
from services.identity.domain import passwords


@pytest.mark.parametrize("password", ["Passw0rd", "abc 123 !", "密码abc123", "a1" * 32,
                                      "~!@#$%^&*()_+1"])
def test_acceptable_passwords(password):
    passwords.check_policy(password)


@pytest.mark.parametrize("password,code", [
    ("", "password_required"), ("Ab1", "password_length"), ("a1" * 33, "password_length"),
    ("abcdefgh", "password_too_simple"), ("12345678", "password_too_simple"),
    ("abc\n12345", "password_unprintable"), ("abc\t12345", "password_unprintable")])
def test_refused_passwords(password, code):
    with pytest.raises(InvalidInput) as err:
        passwords.check_policy(password)
    assert err.value.code == code
    assert "password" in err.value.fields


def test_password_may_not_be_the_username():
    with pytest.raises(InvalidInput) as err:
        passwords.check_policy("Zhang123", username="zhang123")
    assert err.value.code == "password_is_username"


def test_reset_password_is_the_last_six_characters_of_the_id_number():
    assert passwords.reset_password_for("12010119900101101X") == "01101X"


def test_hasher_verifies_only_the_right_password():
    hasher = passwords.Hasher(time_cost=1, memory_cost=1024)
    digest = hasher.hash("Passw0rd!")
    assert digest.startswith("$argon2id$")
    assert hasher.verify(digest, "Passw0rd!")
    assert not hasher.verify(digest, "passw0rd!")
    assert not hasher.verify("not-a-hash", "Passw0rd!")
