"""The platform's certificate-signing identity: a private key and a self-signed X.509
certificate that sign every training certificate PDF (PAdES).

A deployment with a key issued by a real CA points `CERT_SIGNING_KEY_FILE` and
`CERT_SIGNING_CERT_FILE` at its PEM/DER files (unencrypted key). Without them the platform
makes its own key once, under `var/keys/`, so signatures are still tamper-evident and
verifiable against the certificate the platform publishes.

`python -m services.learning.signing_key` makes the files if missing and prints the key
path, then the certificate path, one per line.
"""
import fcntl
import functools
import os
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from services.common.settings import env, var_dir

KEY_FILENAME = "certificate-signing.key.pem"
CERT_FILENAME = "certificate-signing.cert.pem"
SUBJECT_CN = "专业技术人员继续教育平台 证书签发"
SUBJECT_O = "专业技术人员继续教育平台"
# RSA rather than EC: every PDF reader in use here verifies RSA signatures, not all do ECDSA.
RSA_BITS = 3072
VALID_DAYS = 3653  # ten years, leap days included
# Readers on machines whose clocks run a little slow would otherwise see "not yet valid".
BACKDATE = timedelta(minutes=10)


def default_directory():
    return var_dir() / "keys"


def ensure_signing_key(directory=None):
    """Make the key and its self-signed certificate if they are missing; return their
    paths. Safe to call from several processes at start-up at once."""
    directory = Path(directory) if directory is not None else default_directory()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    key_path, cert_path = directory / KEY_FILENAME, directory / CERT_FILENAME
    if key_path.exists() and cert_path.exists():
        return key_path, cert_path
    # Without the lock two workers starting together could each write a key and leave
    # one's key next to the other's certificate.
    with open(directory / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _create_missing(key_path, cert_path)
    return key_path, cert_path


def _create_missing(key_path, cert_path):
    if key_path.exists() and cert_path.exists():
        return  # another process made them while we waited for the lock
    if cert_path.exists():
        # Replacing the certificate would silently change the platform's published
        # identity; someone has to decide that.
        raise RuntimeError(
            f"证书签发私钥缺失，但证书仍在：{cert_path}。请恢复私钥，或删除该证书后重新生成。"
            f" Signing key missing but its certificate exists: {cert_path}."
        )
    if key_path.exists():
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    else:
        key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
        _write_atomically(key_path, _private_pem(key), mode=0o600)
    _write_atomically(cert_path, _self_signed_certificate(key).public_bytes(
        serialization.Encoding.PEM), mode=0o644)


def _private_pem(key):
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _self_signed_certificate(key):
    name = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, SUBJECT_CN),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, SUBJECT_O),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
    ])
    now = datetime.now(timezone.utc)
    public_key = key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + timedelta(days=VALID_DAYS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # nonRepudiation: what PDF validators look for
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .sign(key, hashes.SHA256())
    )


def _write_atomically(path, data, mode):
    # The key must never exist, even for a moment, with wider permissions than `mode`,
    # and a crash must not leave half a file that the next start takes for a real one.
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


def signing_key_files(directory=None):
    """(key path, certificate path) that `load_signer` uses: an explicit directory, else
    the two environment variables, else the platform's own files (made if missing)."""
    if directory is None:
        key_file, cert_file = env("CERT_SIGNING_KEY_FILE"), env("CERT_SIGNING_CERT_FILE")
        if key_file and cert_file:
            return Path(key_file), Path(cert_file)
        if key_file or cert_file:
            raise RuntimeError(
                "CERT_SIGNING_KEY_FILE 与 CERT_SIGNING_CERT_FILE 须同时设置。"
                " Set both CERT_SIGNING_KEY_FILE and CERT_SIGNING_CERT_FILE, or neither."
            )
    return ensure_signing_key(directory)


def load_signer(directory=None):
    """A pyHanko SimpleSigner for the platform's signing identity, loaded once per
    process (per pair of files)."""
    key_path, cert_path = signing_key_files(directory)
    return _load_signer(str(Path(key_path).resolve()), str(Path(cert_path).resolve()))


@functools.lru_cache(maxsize=4)
def _load_signer(key_path, cert_path):
    from pyhanko.sign.signers import SimpleSigner  # heavy import, only where it signs

    _check_pair(key_path, cert_path)
    signer = SimpleSigner.load(key_path, cert_path)
    if signer is None:  # pyHanko logs the reason and returns None instead of raising
        raise RuntimeError(
            f"无法读取证书签发密钥或证书：{key_path}，{cert_path}。"
            f" Could not load signing key/certificate: {key_path}, {cert_path}."
        )
    return signer


def _check_pair(key_path, cert_path):
    # A key that does not match its certificate signs "successfully" and every signature
    # then fails validation; better to stop here.
    try:
        key = serialization.load_pem_private_key(Path(key_path).read_bytes(), password=None)
        cert_bytes = Path(cert_path).read_bytes()
        cert = (x509.load_pem_x509_certificate(cert_bytes) if b"-----BEGIN" in cert_bytes
                else x509.load_der_x509_certificate(cert_bytes))
    except (OSError, ValueError, TypeError):
        return  # leave the detailed report to pyHanko's loader (it also reads DER keys)
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    der = serialization.Encoding.DER
    if key.public_key().public_bytes(der, spki) != cert.public_key().public_bytes(der, spki):
        raise RuntimeError(
            f"证书签发私钥与证书不匹配：{key_path}，{cert_path}。"
            f" Signing key does not match certificate: {key_path}, {cert_path}."
        )


def main():
    key_path, cert_path = ensure_signing_key()
    print(key_path)
    print(cert_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
