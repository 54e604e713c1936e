"""The sandbox's key pairs: "Alipay's" (it signs notifications and answers; the merchant
holds its public key) and a merchant's (billing signs requests with it; the sandbox holds
its public key). Real Alipay never sees the merchant's private key — the sandbox makes
one only so a fresh checkout has a working pair on both sides.

UnionPay's half is certificates, as ACP 5.1.0 has them: the sandbox's own root → middle →
signing chain (the signing certificate's CN names 中国银联股份有限公司, as UnionPay's
does; billing trusts the root and middle, UNIONPAY_ROOT_CERT_FILE /
UNIONPAY_MIDDLE_CERT_FILE), the signing key, and a merchant key with its certificate
(billing signs with the key and sends the certificate's serial as certId; the sandbox
verifies with the certificate). The root's and middle's keys are not kept: the chain is
made whole, once.

`python -m sandbox.keys VAR_DIR` makes whatever is missing under VAR_DIR/keys and prints
the paths, Alipay's four first. Private keys are PKCS #1 PEM ("RSA PRIVATE KEY", what
Alipay's key tool writes and what its SDKs load); public keys are SubjectPublicKeyInfo
("PUBLIC KEY"); certificates are PEM."""
import fcntl
import os
import secrets
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

RSA_BITS = 2048  # what Alipay issues and accepts for RSA2
PAIRS = ("alipay_sandbox", "alipay_merchant")
UNIONPAY_NAME = "中国银联股份有限公司"
UNIONPAY_CHAIN = ("unionpay_root", "unionpay_middle", "unionpay_sign_key", "unionpay_sign_cert")
UNIONPAY_MERCHANT = ("unionpay_merchant_private", "unionpay_merchant_cert")


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


# --- UnionPay (ACP 5.1.0) --------------------------------------------------------------

def unionpay_paths(var_dir):
    """{"unionpay_root": path, "unionpay_middle": ..., "unionpay_sign_key": ...,
    "unionpay_sign_cert": ..., "unionpay_merchant_private": ..., "unionpay_merchant_cert": ...}"""
    directory = Path(var_dir) / "keys"
    return {name: directory / f"{name}.pem" for name in UNIONPAY_CHAIN + UNIONPAY_MERCHANT}


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)


def _name(*parts):
    return x509.Name([x509.NameAttribute(oid, value) for oid, value in parts])


def _certificate(subject, key, issuer, issuer_key, not_before, not_after, ca, serial=None,
                 path_length=None):
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
               .public_key(key.public_key())
               .serial_number(serial or x509.random_serial_number())
               .not_valid_before(not_before).not_valid_after(not_after)
               .add_extension(x509.BasicConstraints(ca=ca, path_length=path_length),
                              critical=True)
               .add_extension(x509.KeyUsage(
                   digital_signature=not ca, content_commitment=not ca, key_encipherment=False,
                   data_encipherment=False, key_agreement=False, key_cert_sign=ca,
                   crl_sign=ca, encipher_only=False, decipher_only=False), critical=True))
    return builder.sign(issuer_key, hashes.SHA256())


def make_unionpay_chain(now=None, owner=UNIONPAY_NAME, signing_days=(-1, 1825)):
    """A fresh root → middle → signing chain, as objects: {"root", "middle",
    "sign_cert", "sign_key", "root_key", "middle_key"}. The signing certificate's CN is
    ACP's `041@<id>@<owner>@<serial>`, valid from now + signing_days[0] to now +
    signing_days[1] days (tests make expired or foreign ones with these)."""
    now = now or datetime.now(timezone.utc)
    root_key, middle_key, sign_key = new_key(), new_key(), new_key()
    root_name = _name((NameOID.COUNTRY_NAME, "CN"),
                      (NameOID.ORGANIZATION_NAME, "China Financial Certification Authority"),
                      (NameOID.COMMON_NAME, "CFCA SANDBOX CS CA"))
    middle_name = _name((NameOID.COUNTRY_NAME, "CN"),
                        (NameOID.ORGANIZATION_NAME, "China Financial Certification Authority"),
                        (NameOID.COMMON_NAME, "CFCA SANDBOX OCA1"))
    root = _certificate(root_name, root_key, root_name, root_key, now - timedelta(days=1),
                        now + timedelta(days=3650), ca=True, path_length=1)
    middle = _certificate(middle_name, middle_key, root_name, root_key,
                          now - timedelta(days=1), now + timedelta(days=3650), ca=True,
                          path_length=0)
    sign_name = _name((NameOID.COUNTRY_NAME, "cn"), (NameOID.ORGANIZATION_NAME, "CFCA OCA1"),
                      (NameOID.ORGANIZATIONAL_UNIT_NAME, "CUPRA"),
                      (NameOID.ORGANIZATIONAL_UNIT_NAME, "Enterprises"),
                      (NameOID.COMMON_NAME, f"041@Z{now:%Y%m%d}@{owner}@00000001"))
    sign_cert = _certificate(sign_name, sign_key, middle_name, middle_key,
                             now + timedelta(days=signing_days[0]),
                             now + timedelta(days=signing_days[1]), ca=False)
    return {"root": root, "middle": middle, "sign_cert": sign_cert, "sign_key": sign_key,
            "root_key": root_key, "middle_key": middle_key}


def make_merchant_certificate(key, now=None):
    """The merchant's signing certificate (self-signed here; CFCA issues the real one).
    Its serial, in decimal, is the certId billing sends: 11 digits, like UnionPay's."""
    now = now or datetime.now(timezone.utc)
    name = _name((NameOID.COUNTRY_NAME, "CN"), (NameOID.ORGANIZATION_NAME, "CFCA OCA1"),
                 (NameOID.COMMON_NAME, "041@Z00000001@继续教育平台@00000001"))
    return _certificate(name, key, name, key, now - timedelta(days=1),
                        now + timedelta(days=1825), ca=False,
                        serial=10**10 + secrets.randbelow(9 * 10**10))


def pem_of(certificate):
    return certificate.public_bytes(serialization.Encoding.PEM)


def private_pem(key):
    return key.private_bytes(serialization.Encoding.PEM,
                             serialization.PrivateFormat.TraditionalOpenSSL,
                             serialization.NoEncryption())


def ensure_unionpay_keys(var_dir):
    """Make the missing UnionPay files; return unionpay_paths(var_dir). The chain (root,
    middle, signing key and certificate) is made whole or not at all, likewise the
    merchant's key and certificate: a part alone cannot be made again without breaking
    whoever trusts the rest."""
    paths = unionpay_paths(var_dir)
    directory = paths["unionpay_root"].parent
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    if all(path.exists() for path in paths.values()):
        return paths
    with open(directory / ".unionpay-keys.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for group in (UNIONPAY_CHAIN, UNIONPAY_MERCHANT):
            present = [name for name in group if paths[name].exists()]
            if len(present) == len(group):
                continue
            if present:
                missing = ", ".join(str(paths[name]) for name in group if name not in present)
                raise RuntimeError(f"银联沙箱证书不完整，缺少：{missing}。请恢复它们，或删除同组的其余文件后"
                                   f"重新生成。 UnionPay sandbox files incomplete, missing: {missing}.")
            if group == UNIONPAY_CHAIN:
                chain = make_unionpay_chain()
                files = {"unionpay_root": (pem_of(chain["root"]), 0o644),
                         "unionpay_middle": (pem_of(chain["middle"]), 0o644),
                         "unionpay_sign_cert": (pem_of(chain["sign_cert"]), 0o644),
                         "unionpay_sign_key": (private_pem(chain["sign_key"]), 0o600)}
                order = ("unionpay_sign_key", "unionpay_sign_cert", "unionpay_middle",
                         "unionpay_root")
            else:
                key = new_key()
                files = {"unionpay_merchant_private": (private_pem(key), 0o600),
                         "unionpay_merchant_cert": (pem_of(make_merchant_certificate(key)),
                                                    0o644)}
                order = ("unionpay_merchant_private", "unionpay_merchant_cert")
            for name in order:  # whoever checks "all present" sees the group complete
                data, mode = files[name]
                _write_atomically(paths[name], data, mode)
    return paths


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    var_dir = argv[0] if argv else os.environ.get("VAR_DIR") or "var"
    for path in ensure_keys(var_dir).values():
        print(path)
    for path in ensure_unionpay_keys(var_dir).values():
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
