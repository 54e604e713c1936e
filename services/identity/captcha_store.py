"""Image captchas: generated here, answered once, expiring after five minutes."""
import base64
import io
import secrets
import uuid
from datetime import timedelta

from captcha.image import ImageCaptcha
from sqlalchemy import delete, insert

from services.common.clock import as_utc
from services.common.errors import InvalidInput

from .domain.login_failures import CAPTCHA_EXPIRED, CAPTCHA_WRONG
from .models import captchas

TTL = timedelta(minutes=5)
# No 0/O, 1/I/L: people should not fail on letters that look alike.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 4

_image = ImageCaptcha(width=120, height=44, font_sizes=(30, 34, 38))


def new_answer():
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def render_png(answer):
    buf = io.BytesIO()
    _image.write(answer, buf, format="png")
    return buf.getvalue()


def create(uow, answer):
    now = uow.clock.now()
    captcha_id = str(uuid.uuid4())
    uow.session.execute(insert(captchas).values(id=captcha_id, answer=answer,
                                                expires_at=now + TTL))
    uow.session.execute(delete(captchas).where(captchas.c.expires_at < now))
    uow.commit()
    return captcha_id, now + TTL


def consume(uow, captcha_id, answer):
    """Single use: the row is deleted whatever the answer, then checked."""
    row = uow.session.execute(
        delete(captchas).where(captchas.c.id == str(captcha_id or ""))
        .returning(captchas.c.answer, captchas.c.expires_at)).first()
    uow.commit()
    if row is None or as_utc(row.expires_at) < uow.clock.now():
        raise InvalidInput(CAPTCHA_EXPIRED[0], CAPTCHA_EXPIRED[1],
                           fields={"captcha_answer": [CAPTCHA_EXPIRED[1]]})
    if (answer or "").strip().upper() != row.answer:
        raise InvalidInput(CAPTCHA_WRONG[0], CAPTCHA_WRONG[1],
                           fields={"captcha_answer": [CAPTCHA_WRONG[1]]})


def data_uri(png):
    return "data:image/png;base64," + base64.b64encode(png).decode()
