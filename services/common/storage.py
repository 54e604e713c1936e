"""One small interface for files: a folder under var/ in development, S3-compatible
storage in production (same three calls). Links are signed and short-lived; the gateway
streams a file only against a link whose signature and expiry check out."""
import hashlib
import hmac
import os
import shutil
import time
from pathlib import Path
from urllib.parse import urlencode

from .settings import env, var_dir


class FileStorage:
    def __init__(self, root=None, secret=None):
        self.root = Path(root or (var_dir() / "files"))
        self.root.mkdir(parents=True, exist_ok=True)
        self.secret = (secret or env("FILE_LINK_SECRET", "dev-only-file-link-secret")).encode()

    def _path(self, key):
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError("key escapes the storage root")
        return path

    def put(self, key, data):
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".part")
        with open(tmp, "wb") as fh:
            if isinstance(data, (bytes, bytearray)):
                fh.write(data)
            else:
                shutil.copyfileobj(data, fh)
        os.replace(tmp, path)  # readers never see half a file
        return key

    def open(self, key):
        return open(self._path(key), "rb")

    def local_path(self, key):
        """For the gateway's streaming of a local store (Range requests included)."""
        return self._path(key)

    def older_than(self, prefix, seconds, now=None):
        """Keys under `prefix` last written more than `seconds` ago (for sweepers)."""
        base = self._path(prefix)
        if not base.is_dir():
            return []
        limit = (now or time.time()) - seconds
        return [str(p.relative_to(self.root.resolve())) for p in base.rglob("*")
                if p.is_file() and not p.name.endswith(".part") and p.stat().st_mtime < limit]

    def delete(self, key):
        self._path(key).unlink(missing_ok=True)

    def exists(self, key):
        return self._path(key).exists()

    def signed_link(self, key, ttl_seconds=300, now=None):
        expires = int((now or time.time()) + ttl_seconds)
        return f"/api/v1/files/{key}?" + urlencode({"expires": expires,
                                                     "sig": self._sign(key, expires)})

    def verify_link(self, key, expires, sig, now=None):
        try:
            expires = int(expires)
        except (TypeError, ValueError):
            return False
        if expires < (now or time.time()):
            return False
        return hmac.compare_digest(self._sign(key, expires), str(sig))

    def _sign(self, key, expires):
        return hmac.new(self.secret, f"{key}\n{expires}".encode(), hashlib.sha256).hexdigest()
