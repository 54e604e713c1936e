"""The sandbox's key pairs: "Alipay's" (it signs notifications and answers; the merchant
holds its public key) and a merchant's (billing signs requests with it; the sandbox holds
its public key). Real Alipay never sees the merchant's private key — the sandbox makes
one only so a fresh checkout has a working pair on both sides.

`python -m sandbox.keys VAR_DIR` makes whatever is missing under VAR_DIR/keys and prints
the four paths. Private keys are PKCS #1 PEM ("RSA PRIVATE KEY", what Alipay's key tool
writes and what its SDKs load); public keys are SubjectPublicKeyInfo ("PUBLIC KEY")."""
import fcntl
import os
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

RSA_BITS = 2048  # what Alipay issues and accepts for RSA2
PAIRS = ("alipay_sandbox", "alipay_merchant")


def key_paths(var_dir):
    """{"alipay_sandbox_private": path, "alipay_sandbox_public": ..., ...}"""
    directory = Path(var_dir) / "keys"
    return {f"{pair}_{half}": directory / f"{pair}_{half}.pem"
            for pair in PAIRS for half in ("private", "public")}


def ensure_keys(var_dir):
    """Make the missing key files; return key_paths(var_dir). Safe when several
    processes start at once."""
    paths = key_paths(var_dir)
    directory = paths["alipay_sandbox_private"].parent
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    if all(path.exists() for path in paths.values()):
        return paths
    # Without the lock two processes could each write a private key and leave one's
    # public key next to the other's private key.
    with open(directory / ".alipay-keys.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for pair in PAIRS:
            _ensure_pair(paths[f"{pair}_private"], paths[f"{pair}_public"])
    return paths


def _ensure_pair(private_path, public_path):
    if private_path.exists():
        key = serialization.load_pem_private_key(private_path.read_bytes(), password=None)
    elif public_path.exists():
        # A new private key would silently break whoever trusts the public one.
        raise RuntimeError(f"私钥缺失，但公钥仍在：{public_path}。请恢复私钥，或删除公钥后重新生成。"
                           f" Private key missing but its public key exists: {public_path}.")
    else:
        key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
        _write_atomically(private_path, key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption()), mode=0o600)
    if not public_path.exists():
        _write_atomically(public_path, key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo),
            mode=0o644)


def _write_atomically(path, data, mode):
    # Never a moment with wider permissions than `mode`, never half a file after a crash.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)  # os.open's mode is filtered by the umask
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    var_dir = argv[0] if argv else os.environ.get("VAR_DIR") or "var"
    for path in ensure_keys(var_dir).values():
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
