"""Configuration from the environment, with defaults that work on a developer machine."""
import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def env(name, default=None):
    value = os.environ.get(name)
    return default if value in (None, "") else value


def var_dir():
    path = Path(env("VAR_DIR", str(REPO_ROOT / "var")))
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url(service):
    """`IDENTITY_DATABASE_URL` etc.; a SQLite file under var/ by default."""
    return env(f"{service.upper()}_DATABASE_URL", f"sqlite:///{var_dir() / (service + '.db')}")


def amqp_uri():
    return env("AMQP_URI", "amqp://guest:guest@localhost:5672/")


def flag(name, default=True):
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() not in ("0", "off", "false", "no")
