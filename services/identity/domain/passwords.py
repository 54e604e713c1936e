"""Password rules and hashing (Argon2id)."""
import hmac

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from services.common.errors import InvalidInput

MIN_LENGTH = 8
MAX_LENGTH = 64
RESET_SUFFIX_LENGTH = 6  # admin reset: the last six characters of the ID number (Henan FAQ)


def _classes(password):
    return sum((
        any(c.isalpha() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    ))


def check_policy(password, field="password", username=None):
    """8–64 printable characters (symbols and spaces allowed), at least two of
    letters / digits / symbols, and not the username."""
    def fail(code, message):
        raise InvalidInput(code, message, fields={field: [message]})

    if not isinstance(password, str) or not password:
        fail("password_required", "请输入密码")
    if not password.isprintable():
        fail("password_unprintable", "密码不能包含换行、制表符等不可见字符")
    if len(password) < MIN_LENGTH or len(password) > MAX_LENGTH:
        fail("password_length", f"密码长度须为{MIN_LENGTH}–{MAX_LENGTH}位")
    if _classes(password) < 2:
        fail("password_too_simple", "密码须至少包含字母、数字、符号中的两种")
    if username and password.lower() == username.lower():
        fail("password_is_username", "密码不能与用户名相同")


# Stored instead of a hash for people created in bulk (batch import): their initial
# password is their ID number's last six characters, so 50,000 imports cost no KDF run.
# The first login checks it and forces a change, which stores a real hash.
INITIAL_FROM_ID_NUMBER = "!initial-password:id-number-suffix"


def reset_password_for(id_number):
    return id_number[-RESET_SUFFIX_LENGTH:]


def matches(hasher, password_hash, password, id_number):
    """Whether `password` opens an account (Argon2 hash, or the bulk-import marker)."""
    if password_hash == INITIAL_FROM_ID_NUMBER:
        return bool(id_number) and hmac.compare_digest(
            (password or "").encode(), reset_password_for(id_number).encode())
    return hasher.verify(password_hash, password or "")


class Hasher:
    """Argon2id with RFC 9106's low-memory profile by default; tunable from settings."""

    def __init__(self, time_cost=2, memory_cost=19 * 1024, parallelism=1):
        self._ph = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost,
                                  parallelism=parallelism)

    @property
    def parameters(self):
        p = self._ph
        return {"algorithm": "argon2id", "time_cost": p.time_cost,
                "memory_cost_kib": p.memory_cost, "parallelism": p.parallelism}

    def hash(self, password):
        return self._ph.hash(password)

    def verify(self, password_hash, password):
        try:
            return self._ph.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

