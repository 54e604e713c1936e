"""Certificate and archive PDFs: what a reader and a validator see in the bytes we produce."""
import hashlib
import os
import re
import stat
import subprocess
import sys
from datetime import datetime, timezone
from io import BytesIO

import pytest
from cryptography import x509
from pypdf import PdfReader
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from services.common.settings import REPO_ROOT
from services.learning import certificate_pdf, signing_key
from services.learning.certificate_pdf import (
    issue,
    render_archive,
    render_certificate,
    sign_pdf,
    wrap_chinese,
)

FIELDS = {
    "learner_name": "张三丰",
    "id_number_masked": "120***********1234",
    "completed_on": "2025年11月30日",
    "plan_name": "2025年度专业技术人员继续教育公需科目培训",
    "plan_year": "2025",
    "hours_total": "32.0",
    "required_hours": "24.0",
    "elective_hours": "8.0",
    "code": "TJ2025-000123",
    "issued_on": "2025年12月1日",
}
VERIFY_URL = "https://jxjy.example.cn/verify/TJ2025-000123?k=3f9a8b7c"


def squeeze(text):
    # Justified lines and line breaks put spaces and newlines inside words when extracted.
    # The NULs: fpdf2 writes CID-keyed CFF fonts (Noto CJK) with an embedded CMap as
    # /Encoding, which pypdf 7.1 decodes one byte at a time, so each 2-byte code comes out
    # as NUL + the right character. Poppler reads the same file exactly (see the
    # pdftotext test), so the glyph-to-text mapping itself is correct.
    return re.sub(r"[\s\x00]+", "", text)


def all_text(pdf_bytes):
    return squeeze("".join(page.extract_text() for page in PdfReader(BytesIO(pdf_bytes)).pages))


@pytest.fixture(scope="module")
def key_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("keys")
    signing_key.ensure_signing_key(directory)
    return directory


@pytest.fixture(scope="module")
def signer(key_dir):
    return signing_key.load_signer(key_dir)


@pytest.fixture(scope="module")
def issued(signer):
    return issue(FIELDS, VERIFY_URL, signer=signer)


@pytest.fixture(scope="module")
def trust(key_dir):
    cert = load_cert_from_pemder(str(key_dir / signing_key.CERT_FILENAME))
    return ValidationContext(trust_roots=[cert])


def embedded_signature(pdf_bytes):
    signatures = PdfFileReader(BytesIO(pdf_bytes)).embedded_signatures
    assert len(signatures) == 1
    return signatures[0]


def font_dicts(pdf_bytes):
    for page in PdfReader(BytesIO(pdf_bytes)).pages:
        fonts = page.get("/Resources", {}).get_object().get("/Font", {}).get_object()
        for font in fonts.values():
            yield font.get_object()


def is_embedded(font):
    if font.get("/Subtype") == "/Type0":
        return all(is_embedded(d.get_object()) for d in font["/DescendantFonts"])
    descriptor = font.get("/FontDescriptor")
    if descriptor is None:
        return False
    return any(key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3"))


# --- certificate -----------------------------------------------------------------------

def test_certificate_is_one_landscape_page_with_its_facts(issued):
    signed, _ = issued
    reader = PdfReader(BytesIO(signed))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)
    text = all_text(signed)
    for expected in ("专业技术人员继续教育培训证书", FIELDS["learner_name"], FIELDS["plan_name"],
                     "获得32.0学时", "必修24.0学时", "选修8.0学时", FIELDS["code"],
                     FIELDS["id_number_masked"], "天津市专业技术人员继续教育平台",
                     "扫码验证证书真伪", squeeze(VERIFY_URL)):
        assert expected in text, expected


def test_every_font_is_embedded(issued):
    fonts = list(font_dicts(issued[0]))
    assert fonts
    assert all(is_embedded(font) for font in fonts)


def test_signature_is_pades_valid_and_covers_the_whole_file(issued, trust):
    signed, _ = issued
    sig = embedded_signature(signed)
    assert sig.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    status = validate_pdf_signature(sig, trust)
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    start, first, second, rest = sig.sig_object["/ByteRange"]
    assert start == 0 and second + rest == len(signed)


def test_one_changed_byte_breaks_the_signature(issued, trust):
    signed, _ = issued
    # A digit of the creation date: the file still parses, only its content differs.
    at = signed.index(b"/CreationDate (D:") + len(b"/CreationDate (D:")
    tampered = bytearray(signed)
    tampered[at] = ord("1") if tampered[at] != ord("1") else ord("2")
    status = validate_pdf_signature(embedded_signature(bytes(tampered)), trust)
    # `valid` only covers the signature over the signed attributes, which still holds;
    # the document digest inside them no longer matches.
    assert not status.intact
    assert not status.bottom_line


def test_issue_returns_the_sha256_of_the_signed_bytes(issued):
    signed, digest = issued
    assert digest == hashlib.sha256(signed).hexdigest()
    assert signed.startswith(b"%PDF-")


def test_signing_is_incremental(signer):
    unsigned = render_certificate(FIELDS, VERIFY_URL)
    assert sign_pdf(unsigned, signer=signer).startswith(unsigned)


def test_issuer_can_be_named(signer):
    pdf = render_certificate({**FIELDS, "issuer": "某某市人力资源和社会保障局"}, VERIFY_URL)
    assert "某某市人力资源和社会保障局" in all_text(pdf)


def test_a_long_plan_name_still_fits_one_page():
    long_name = "专业技术人员继续教育" * 14
    pdf = render_certificate({**FIELDS, "plan_name": long_name}, VERIFY_URL)
    assert len(PdfReader(BytesIO(pdf)).pages) == 1
    assert long_name in all_text(pdf)


def test_missing_fields_are_named():
    with pytest.raises(ValueError, match="code"):
        render_certificate({k: v for k, v in FIELDS.items() if k != "code"}, VERIFY_URL)


def test_qr_code_decodes_to_the_verify_url(issued, tmp_path):
    # The test command installs both (requirements-dev.txt, scripts/setup.sh).
    import zxingcpp
    from PIL import Image

    (tmp_path / "c.pdf").write_bytes(issued[0])
    subprocess.run(["pdftoppm", "-png", "-r", "200", "-singlefile", str(tmp_path / "c.pdf"),
                    str(tmp_path / "c")], check=True)
    decoded = [r.text for r in zxingcpp.read_barcodes(Image.open(tmp_path / "c.png"))]
    assert VERIFY_URL in decoded


def test_poppler_extracts_the_exact_text(issued, tmp_path):
    (tmp_path / "c.pdf").write_bytes(issued[0])
    text = subprocess.run(["pdftotext", str(tmp_path / "c.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout
    assert "\x00" not in text
    assert "专业技术人员继续教育培训证书" in text and FIELDS["code"] in text


def test_missing_font_says_which_package(monkeypatch, tmp_path):
    monkeypatch.setenv("CJK_FONT_FILE", str(tmp_path / "absent.ttc"))
    certificate_pdf.cjk_font.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="fonts-noto-cjk"):
            render_certificate(FIELDS, VERIFY_URL)
    finally:
        monkeypatch.delenv("CJK_FONT_FILE")
        certificate_pdf.cjk_font.cache_clear()


# --- line breaking ---------------------------------------------------------------------

def test_wrapping_keeps_numbers_whole_and_punctuation_off_line_starts():
    text = "\u3000\u3000" + certificate_pdf.certificate_statement(FIELDS)
    for width in range(8, 40):
        lines = wrap_chinese(text, width, len)
        assert squeeze("".join(lines)) == squeeze(text)
        assert all(len(line) <= width for line in lines)
        assert not any(line[0] in certificate_pdf.NO_LINE_START for line in lines)
        assert not any(line[-1] in certificate_pdf.NO_LINE_END for line in lines)
        for token in re.findall(r"[!-~]+", text):  # "120***********1234", "32.0", "2025"
            if len(token) + 2 <= width:  # room for it and the punctuation glued to it
                assert any(token in line for line in lines), (width, token)


def test_a_run_longer_than_the_line_is_broken_anyway():
    lines = wrap_chinese("验证网址：" + "x" * 50, 20, len)
    assert all(len(line) <= 20 for line in lines)
    assert "".join(lines) == "验证网址：" + "x" * 50


# --- archive ---------------------------------------------------------------------------

def archive_of(courses):
    return {
        "learner_name": "李四", "id_number_masked": "110***********0012", "org_name": "天津市测试研究院",
        "plan_name": "2025年度公需科目", "plan_year": "2025", "status_label": "学习中",
        "started_at": "2025-03-01", "completed_at": None, "required_completed": "120.0",
        "elective_completed": "36.5", "total_completed": "156.5", "total_selected": "160.0",
        "courses": courses,
    }


def course(i):
    return {"title": f"课程{i:03d} 专业技术人员职业道德与诚信建设（案例研讨）",
            "kind_label": "必修" if i % 3 else "选修", "hours": "2.0",
            "progress_percent": "100" if i % 4 else "45",
            "completed_at": "2025-06-01 10:20" if i % 4 else None,
            "exam_score": None if i % 5 == 0 else "92"}


def test_archive_of_80_courses_paginates_and_ends_with_totals():
    pdf = render_archive(archive_of([course(i) for i in range(80)]))
    reader = PdfReader(BytesIO(pdf))
    assert len(reader.pages) >= 2
    assert float(reader.pages[0].mediabox.height) > float(reader.pages[0].mediabox.width)
    text = all_text(pdf)
    for expected in ("学习档案", "李四", "110***********0012", "天津市测试研究院", "课程名称",
                     "学习进度(%)", "考试成绩", "课程000", "课程079", "必修已完成学时120.0",
                     "选修已完成学时36.5", "总完成学时156.5", "已选学时160.0", "状态学习中",
                     "结束时间—", f"共{len(reader.pages)}页"):
        assert expected in text, expected
    last_page = squeeze(reader.pages[-1].extract_text())
    assert "必修已完成学时" in last_page
    assert all(is_embedded(font) for font in font_dicts(pdf))


def test_archive_without_courses():
    text = all_text(render_archive(archive_of([])))
    assert "暂无课程" in text and "总完成学时156.5" in text


# --- signing key -----------------------------------------------------------------------

def test_signing_key_is_made_once_private_and_self_signed(tmp_path):
    key_path, cert_path = signing_key.ensure_signing_key(tmp_path)
    key_bytes, cert_bytes = key_path.read_bytes(), cert_path.read_bytes()
    assert stat.S_IMODE(os.stat(key_path).st_mode) == 0o600
    assert signing_key.ensure_signing_key(tmp_path) == (key_path, cert_path)
    assert (key_path.read_bytes(), cert_path.read_bytes()) == (key_bytes, cert_bytes)

    cert = x509.load_pem_x509_certificate(cert_bytes)
    assert cert.subject == cert.issuer
    assert "专业技术人员继续教育平台 证书签发" in cert.subject.rfc4514_string()
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment
    lifetime = cert.not_valid_after_utc - cert.not_valid_before_utc
    assert 3650 <= lifetime.days <= 3660
    assert cert.not_valid_before_utc <= datetime.now(timezone.utc)


def test_a_lost_key_is_not_silently_replaced(tmp_path):
    key_path, _ = signing_key.ensure_signing_key(tmp_path)
    key_path.unlink()
    with pytest.raises(RuntimeError, match="私钥缺失"):
        signing_key.ensure_signing_key(tmp_path)


def test_load_signer_reads_the_environment_and_caches(monkeypatch, key_dir):
    monkeypatch.setenv("CERT_SIGNING_KEY_FILE", str(key_dir / signing_key.KEY_FILENAME))
    monkeypatch.setenv("CERT_SIGNING_CERT_FILE", str(key_dir / signing_key.CERT_FILENAME))
    first = signing_key.load_signer()
    assert first is signing_key.load_signer()
    assert "证书签发" in first.signing_cert.subject.human_friendly


def test_load_signer_wants_both_files(monkeypatch, key_dir):
    monkeypatch.setenv("CERT_SIGNING_KEY_FILE", str(key_dir / signing_key.KEY_FILENAME))
    monkeypatch.delenv("CERT_SIGNING_CERT_FILE", raising=False)
    with pytest.raises(RuntimeError, match="CERT_SIGNING_CERT_FILE"):
        signing_key.load_signer()


def test_mismatched_key_and_certificate_are_refused(monkeypatch, tmp_path, key_dir):
    other_key, _ = signing_key.ensure_signing_key(tmp_path)
    monkeypatch.setenv("CERT_SIGNING_KEY_FILE", str(other_key))
    monkeypatch.setenv("CERT_SIGNING_CERT_FILE", str(key_dir / signing_key.CERT_FILENAME))
    with pytest.raises(RuntimeError, match="不匹配"):
        signing_key.load_signer()


def test_command_line_prints_the_two_paths(tmp_path):
    env = {**os.environ, "VAR_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "services.learning.signing_key"],
                            cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                            check=True, timeout=120)
    key_line, cert_line = result.stdout.splitlines()
    assert key_line == str(tmp_path / "keys" / signing_key.KEY_FILENAME)
    assert cert_line == str(tmp_path / "keys" / signing_key.CERT_FILENAME)
