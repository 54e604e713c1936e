"""The scan of a unit's code certificate (组织机构代码证 / 统一社会信用代码证扫描件): a JPEG, PNG
or PDF of at most 5 MB, checked by decoding it — a file is what its content is, not what its
name or the browser claims."""
import io

from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from services.common.errors import InvalidInput, NotFound

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a real A4 scan at 600 dpi is ~35 Mpx; more is a decompression bomb
MAX_PDF_PAGES = 20
KEY_PREFIX = "org-certificates/"


def _reject(detail):
    return InvalidInput("certificate_invalid", detail, fields={"certificate": [detail]})


def kind_of(data):
    """'jpeg' | 'png' | 'pdf' after a full decode, or InvalidInput."""
    if len(data) > MAX_BYTES:
        raise _reject("扫描件不能超过5MB")
    if not data:
        raise _reject("扫描件是空文件")
    if data.startswith(b"%PDF-"):
        try:
            pages = len(PdfReader(io.BytesIO(data), strict=False).pages)
        except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError):
            raise _reject("PDF文件已损坏，无法打开") from None
        if not 1 <= pages <= MAX_PDF_PAGES:
            raise _reject(f"PDF扫描件须为1–{MAX_PDF_PAGES}页")
        return "pdf"
    try:
        with Image.open(io.BytesIO(data)) as image:
            fmt = (image.format or "").lower()
            if fmt not in ("jpeg", "png"):
                raise _reject("扫描件须为JPG、PNG图片或PDF文件")
            if image.width * image.height > MAX_PIXELS:
                raise _reject("图片像素过大，请压缩后再上传")
            image.load()  # decodes every byte: truncated or forged files fail here
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError):
        raise _reject("扫描件须为JPG、PNG图片或PDF文件") from None
    return fmt


def accept(storage, key):
    """Check an upload the gateway stored under `key`; a bad file is deleted at once."""
    if not key.startswith(KEY_PREFIX) or ".." in key:
        raise NotFound("certificate_not_found", "请先上传代码证扫描件")
    try:
        with storage.open(key) as fh:
            data = fh.read(MAX_BYTES + 1)
    except (FileNotFoundError, ValueError):
        raise NotFound("certificate_not_found", "扫描件不存在或已过期，请重新上传") from None
    try:
        return kind_of(data)
    except InvalidInput:
        storage.delete(key)
        raise
