"""billing's tunables, from the environment (see docs/operations.md)."""
from services.common.settings import env


def order_timeout_minutes():
    """An unpaid order closes after this long (its prices were those of that moment)."""
    return int(env("ORDER_TIMEOUT_MINUTES", "30"))


def public_base_url():
    return env("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
