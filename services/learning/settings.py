"""learning's tunables, from the environment (see docs/operations.md)."""
from services.common.settings import env

from .domain.crediting import Rules


def credit_rules():
    return Rules(max_speed_permille=int(float(env("PLAYBACK_MAX_SPEED", "1.0")) * 1000),
                 tolerance_ms=int(float(env("PLAYBACK_TOLERANCE_SECONDS", "2")) * 1000))


def complete_ratio_permille():
    return int(float(env("CHAPTER_COMPLETE_RATIO", "0.95")) * 1000)


def heartbeat_interval_seconds():
    return int(env("HEARTBEAT_INTERVAL_SECONDS", "20"))


def public_base_url():
    return env("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
