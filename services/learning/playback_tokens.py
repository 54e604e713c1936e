"""Playback tokens: learning issues one when a learner starts a chapter; the gateway checks
it (signature, owner, expiry, the position within the video) before it puts a heartbeat on
the bus, so a forged or foreign heartbeat is refused at the door without asking learning.
HMAC-SHA256 over the token's fields with PLAYBACK_TOKEN_SECRET, shared by the two."""
import base64
import hashlib
import hmac
from dataclasses import dataclass

from services.common.errors import Forbidden
from services.common.settings import env

TTL_SECONDS = 12 * 3600


@dataclass(frozen=True)
class PlaybackClaim:
    user_id: int
    chapter_id: int
    session_id: str
    duration_ms: int
    expires: int


def _secret():
    return env("PLAYBACK_TOKEN_SECRET", "dev-only-playback-token-secret").encode()


def _sign(text):
    digest = hmac.new(_secret(), text.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def issue(user_id, chapter_id, session_id, duration_ms, now_epoch):
    text = f"{int(user_id)}.{int(chapter_id)}.{session_id}.{int(duration_ms)}." \
           f"{int(now_epoch) + TTL_SECONDS}"
    body = base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()
    return f"{body}.{_sign(text)}"


def verify(token, user_id, now_epoch):
    """The claim of a valid token of this user, or Forbidden."""
    refused = Forbidden("playback_token_invalid", "播放凭证无效或已过期，请重新进入学习")
    try:
        body, signature = str(token).split(".", 1)
        text = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()
        owner, chapter, session, duration, expires = text.split(".")
        claim = PlaybackClaim(int(owner), int(chapter), session, int(duration), int(expires))
    except (ValueError, UnicodeDecodeError):
        raise refused from None
    if not hmac.compare_digest(_sign(text), signature):
        raise refused
    if claim.user_id != int(user_id) or claim.expires < now_epoch:
        raise refused
    return claim
