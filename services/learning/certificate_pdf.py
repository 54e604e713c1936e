"""Certificate and learning-archive PDFs: rendering and the platform's PAdES signature.

Pure functions of their inputs (no database, no clock apart from the PDF's own creation
date and the signing time). Rendering parses and subsets two faces of a large CJK font
and signing does RSA: about two seconds of CPU per certificate. Under Nameko call these in
`eventlet.tpool` or a worker process, not in an RPC handler.

The CJK font is embedded (subset), so the PDFs read the same on a machine without Chinese
fonts. Debian's `fonts-noto-cjk` is used by default; `CJK_FONT_FILE` points elsewhere.
"""
import functools
import hashlib
import logging
import os
import re
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import segno
from fpdf import FPDF
from fpdf.enums import Align, WrapMode, XPos, YPos
from fpdf.fonts import FontFace

from services.common.settings import REPO_ROOT, env

# fontTools reports each subsetting step at INFO and pyHanko its progress: these run in a
# worker thread (eventlet's tpool), where taking the logging handlers' (green) locks
# fails; and nobody reads those lines.
logging.getLogger("fontTools").setLevel(logging.WARNING)
logging.getLogger("pyhanko").setLevel(logging.WARNING)

DEFAULT_ISSUER = "天津市专业技术人员继续教育平台"
CERTIFICATE_TITLE = "专业技术人员继续教育培训证书"
ARCHIVE_TITLE = "学习档案"
QR_CAPTION = "扫码验证证书真伪"
MISSING = "—"
SIGNATURE_FIELD = "PlatformSignature"  # an identifier for tools, not read by people

# Serif (宋体-like) is what certificates are set in; Sans is the fallback.
DEBIAN_CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)
FONT_FAMILY = "cjk"
NO_FONT = (
    "未找到可嵌入的中文字体：请安装 fonts-noto-cjk（apt-get install fonts-noto-cjk），"
    "或用环境变量 CJK_FONT_FILE 指定字体文件。"
    " No CJK font found: install the Debian package fonts-noto-cjk"
    " or set CJK_FONT_FILE to a font file."
)

CERTIFICATE_FIELDS = (
    "learner_name", "id_number_masked", "completed_on", "plan_name", "plan_year",
    "hours_total", "required_hours", "elective_hours", "code", "issued_on",
)

INK = (38, 38, 38)
MUTED = (110, 110, 110)
ACCENT = (140, 28, 36)   # deep red of the title and the outer frame
GOLD = (180, 142, 60)
PAPER = (253, 250, 243)
HEADING_FILL = (236, 236, 236)
LABEL_FILL = (246, 246, 246)


# --- fonts -----------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def cjk_font():
    """((regular path, face index), (bold path, face index)) of the CJK font to embed."""
    regular = _configured_font() or _debian_font() or _fontconfig_font()
    if regular is None:
        raise RuntimeError(NO_FONT)
    path, index = regular
    bold_path = Path(str(path).replace("Regular", "Bold"))
    if bold_path != path and bold_path.is_file():
        return regular, (bold_path, _simplified_chinese_face(bold_path))
    return regular, regular  # no bold face: headings stay regular rather than fail


def _configured_font():
    configured = env("CJK_FONT_FILE")
    if configured is None:
        return None
    path = Path(configured)
    if not path.is_file():
        raise RuntimeError(f"CJK_FONT_FILE 指向的字体文件不存在：{path}。 {NO_FONT}")
    return path, _simplified_chinese_face(path)


def _debian_font():
    for candidate in map(Path, DEBIAN_CJK_FONTS):
        if candidate.is_file():
            return candidate, _simplified_chinese_face(candidate)
    return None


def _fontconfig_font():
    # Other distributions put CJK fonts elsewhere; fontconfig knows where.
    if shutil.which("fc-list") is None:
        return None
    listing = subprocess.run(
        ["fc-list", "-f", "%{file}\t%{index}\t%{family}\n", ":lang=zh-cn"],
        capture_output=True, text=True, timeout=20, check=False,
    ).stdout
    faces = [line.split("\t") for line in listing.splitlines() if line.count("\t") == 2]
    # fpdf2 embeds TrueType and OpenType; bitmap and Type 1 fonts it cannot.
    faces = [f for f in faces if f[0].lower().endswith((".ttf", ".otf", ".ttc", ".otc"))]
    if not faces:
        return None
    faces.sort(key=lambda f: (" SC" not in f[2], "Mono" in f[2], f[0]))
    return Path(faces[0][0]), int(faces[0][1] or 0)


def _simplified_chinese_face(path):
    """Index of the Simplified Chinese face in a font collection (0 for a single font):
    the JP face that comes first in Noto's collections draws some hanzi differently."""
    if path.suffix.lower() not in (".ttc", ".otc"):
        return 0
    from fontTools.ttLib import TTCollection

    collection = TTCollection(str(path), lazy=True)
    try:
        for index, font in enumerate(collection.fonts):
            family = font["name"].getDebugName(1) or ""
            if family.endswith(" SC"):
                return index
        return 0
    finally:
        collection.close()


def _prepare(pdf, title, author, pages_alias, texts=()):
    # Parsing and subsetting the two CJK faces is most of the time a render takes: a face
    # cut down once to the common characters (GB 2312 and the like) parses and subsets in
    # a fraction of the full face's time; a text needing any other character uses the
    # full face.
    faces = cjk_font()
    if common_characters().issuperset("".join(str(t) for t in texts if t)):
        faces = _common_faces() or faces
    (regular, regular_index), (bold, bold_index) = faces
    pdf.add_font(FONT_FAMILY, "", regular, collection_font_number=regular_index)
    pdf.add_font(FONT_FAMILY, "B", bold, collection_font_number=bold_index)
    # fpdf2 replaces "{nb}" anywhere in the text by default, course titles included.
    pdf.alias_nb_pages(pages_alias)
    pdf.set_lang("zh-CN")
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_creator(DEFAULT_ISSUER)
    pdf.set_text_color(*INK)
    return pdf


@functools.lru_cache(maxsize=1)
def common_characters():
    """ASCII, GB 2312 (its 6,763 hanzi and symbols) and the full-width forms: what the
    names, plans and courses of nearly every certificate are written in."""
    chars = {chr(c) for c in range(0x20, 0x7F)} | {chr(c) for c in range(0xFF01, 0xFF5F)}
    chars |= set("\n\t·—“”‘’…、。〈〉《》「」『』【】〔〕〖〗（）：；，！？￥" + MISSING)
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(bytes((high, low)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return frozenset(chars)


def _common_path(path, index):
    # Outside VAR_DIR: one cache per checkout, also for tests and benchmarks.
    cache = Path(env("FONT_CACHE", str(REPO_ROOT / "var" / "fonts")))
    return cache / f"{Path(path).stem}-{index}-common.otf"


def warm_common_faces():
    """Cut the faces down to common_characters() once per machine, under var/fonts
    (about half a minute a face; written whole, then renamed, so a reader never sees half
    a file). Until they exist, documents use the full faces."""
    from fontTools import subset
    from fontTools.ttLib import TTFont
    made = []
    for path, index in set(cjk_font()):
        target = _common_path(path, index)
        if not target.is_file():
            font = TTFont(str(path), fontNumber=index)
            options = subset.Options()
            options.name_IDs = ["*"]
            options.notdef_outline = True
            options.hinting = False  # nobody prints certificates at 9 px
            options.desubroutinize = True  # quicker to cut, and to subset again later
            options.layout_features = []
            subsetter = subset.Subsetter(options)
            subsetter.populate(text="".join(sorted(common_characters())))
            subsetter.subset(font)
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
            font.save(str(partial))
            os.replace(partial, target)
        made.append(target)
    return made


def _common_faces():
    """The cut-down faces, or None while they are not made yet."""
    faces = tuple((_common_path(path, index), 0) for path, index in cjk_font())
    return faces if all(path.is_file() for path, _ in faces) else None


def _text(value):
    return MISSING if value is None or str(value).strip() == "" else str(value)


# --- certificate -----------------------------------------------------------------------

PAGE_W, PAGE_H = 297, 210
BODY_X, BODY_W = 38, PAGE_W - 2 * 38
BODY_TOP, BODY_BOTTOM = 66, 132
QR_X, QR_Y, QR_SIZE = 34, 140, 34


def render_certificate(fields, verify_url):
    """An A4 landscape certificate PDF (bytes), unsigned."""
    missing = [name for name in CERTIFICATE_FIELDS if not fields.get(name)]
    if missing:
        raise ValueError(f"certificate fields missing: {', '.join(missing)}")
    issuer = fields.get("issuer") or DEFAULT_ISSUER
    pdf = _prepare(FPDF(orientation="L", unit="mm", format="A4"),
                   f"{CERTIFICATE_TITLE} {fields['code']}", issuer, pages_alias=None,
                   texts=[*fields.values(), verify_url])
    pdf.set_subject(f"{fields['learner_name']} {fields['plan_name']}")
    pdf.set_auto_page_break(False)  # one page, laid out by hand
    pdf.add_page()
    _draw_frame(pdf)
    _draw_title(pdf)
    _draw_statement(pdf, fields)
    _draw_qr(pdf, verify_url)
    _draw_footer_block(pdf, fields, issuer, verify_url)
    return bytes(pdf.output())


def certificate_statement(fields):
    return (
        f"{fields['learner_name']}（证件号 {fields['id_number_masked']}）于 "
        f"{fields['completed_on']} 完成 {fields['plan_name']}（{fields['plan_year']}年）培训，"
        f"获得 {fields['hours_total']} 学时（必修 {fields['required_hours']} 学时，"
        f"选修 {fields['elective_hours']} 学时），考核合格，特发此证。"
    )


def _draw_frame(pdf):
    pdf.set_fill_color(*PAPER)
    pdf.rect(0, 0, PAGE_W, PAGE_H, style="F")
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(1.6)
    pdf.rect(8, 8, PAGE_W - 16, PAGE_H - 16)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.5)
    pdf.rect(11.5, 11.5, PAGE_W - 23, PAGE_H - 23)
    _draw_corners(pdf, inset=15, arm=12)


def _draw_corners(pdf, inset, arm):
    pdf.set_line_width(0.9)
    for x, dx in ((inset, 1), (PAGE_W - inset, -1)):
        for y, dy in ((inset, 1), (PAGE_H - inset, -1)):
            pdf.line(x, y, x + dx * arm, y)
            pdf.line(x, y, x, y + dy * arm)


def _draw_title(pdf):
    pdf.set_font(FONT_FAMILY, "B", 30)
    pdf.set_text_color(*ACCENT)
    pdf.set_char_spacing(3)
    pdf.set_xy(0, 28)
    pdf.cell(PAGE_W, 16, CERTIFICATE_TITLE, align=Align.C)
    pdf.set_char_spacing(0)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.6)
    pdf.line(PAGE_W / 2 - 70, 51, PAGE_W / 2 + 70, 51)
    pdf.set_text_color(*INK)


def _draw_statement(pdf, fields):
    # Two ideographic spaces indent the paragraph the way Chinese prose is set.
    text = "\u3000\u3000" + certificate_statement(fields)
    size, lines = _fit_paragraph(pdf, text, BODY_W, BODY_BOTTOM - BODY_TOP, start=18, smallest=11)
    line_height = size * LINE_SPACING
    # Centred in its box: a short statement would otherwise leave a gap above the footer.
    y = BODY_TOP + (BODY_BOTTOM - BODY_TOP - len(lines) * line_height) / 2
    for index, line in enumerate(lines):
        last = index == len(lines) - 1
        pdf.set_char_spacing(0 if last else _justify_spacing(pdf, line, BODY_W))
        pdf.set_xy(BODY_X, y + index * line_height)
        pdf.cell(BODY_W, line_height, line)
    pdf.set_char_spacing(0)


LINE_SPACING = 0.62  # mm of line per pt of type: about 1.75 lines, airy as certificates are


def _fit_paragraph(pdf, text, width, height, start, smallest):
    """The largest size (pt) at which `text` fits the box, and its lines, so a long plan
    name shrinks the paragraph instead of running into the block below it."""
    for size in range(start, smallest - 1, -1):
        pdf.set_font(FONT_FAMILY, "", size)
        lines = wrap_chinese(text, width, pdf.get_string_width)
        if len(lines) * size * LINE_SPACING <= height:
            return size, lines
    return smallest, lines


def _justify_spacing(pdf, line, width):
    """Character spacing (pt) that makes a full line reach the right edge: Chinese prose is
    justified by spreading characters, there being no spaces to stretch."""
    gaps = len(line) - 1
    if gaps <= 0:
        return 0
    spacing = (width - pdf.get_string_width(line)) * pdf.k / gaps
    # A line cut short before a long number or URL would be spread letter by letter.
    return spacing if 0 < spacing <= pdf.font_size_pt * 0.3 else 0


# Kinsoku (避头尾): what may not start a line, and what may not end one.
NO_LINE_START = set("，。、；：！？）》」』】〕”’%·…—,.;:!?)]")
NO_LINE_END = set("（《「『【〔“‘([")
# Latin words, numbers, codes and masked IDs ("120***1234", "32.0") never break inside.
_UNBREAKABLE = re.compile(r"[!-~]+")


def wrap_chinese(text, width, measure):
    """Lines of `text` no wider than `width` by `measure`, breaking between any two Chinese
    characters but not inside Latin runs, nor before closing or after opening punctuation."""
    lines, line = [], ""
    for token in _tokens(text):
        if token == " " and not line:
            continue  # a break swallows the space it replaced
        if measure(line + token.rstrip()) <= width or not line:
            line += token
            continue
        lines.append(line.rstrip())
        line = token.lstrip()
    if line.strip():
        lines.append(line.rstrip())
    return [piece for line in lines for piece in _split_overlong(line, width, measure)]


def _tokens(text):
    """Units a line may break between: single Chinese characters, unbreakable Latin runs
    and spaces, with punctuation glued to the token it must stay with."""
    raw = []
    position = 0
    for match in _UNBREAKABLE.finditer(text):
        raw.extend(text[position:match.start()])
        raw.append(match.group())
        position = match.end()
    raw.extend(text[position:])
    tokens = []
    for piece in raw:
        if tokens and (piece[0] in NO_LINE_START or tokens[-1][-1] in NO_LINE_END):
            tokens[-1] += piece
        else:
            tokens.append(piece)
    return tokens


def _split_overlong(line, width, measure):
    # A URL longer than the line has nowhere good to break; break it anywhere.
    if measure(line) <= width:
        return [line]
    pieces, piece = [], ""
    for char in line:
        if piece and measure(piece + char) > width:
            carry = ""
            if char in NO_LINE_START and len(piece) > 1:
                piece, carry = piece[:-1], piece[-1]  # take a character along with it
            pieces.append(piece)
            piece = carry
        piece += char
    return pieces + [piece] if piece else pieces


def _draw_qr(pdf, url):
    # Drawn as vector rectangles: sharp at any zoom and in print, no raster image needed.
    qr = segno.make_qr(url, error="m")
    matrix = qr.matrix
    module = QR_SIZE / len(matrix)
    quiet = 2 * module
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(QR_X - quiet, QR_Y - quiet, QR_SIZE + 2 * quiet, QR_SIZE + 2 * quiet, style="F")
    pdf.set_fill_color(0, 0, 0)
    for row_index, row in enumerate(matrix):
        for start, length in _dark_runs(row):
            pdf.rect(QR_X + start * module, QR_Y + row_index * module,
                     length * module, module, style="F")
    pdf.set_font(FONT_FAMILY, "", 9)
    pdf.set_text_color(*MUTED)
    pdf.set_xy(QR_X - 10, QR_Y + QR_SIZE + quiet + 1)
    pdf.cell(QR_SIZE + 20, 5, QR_CAPTION, align=Align.C)
    pdf.set_text_color(*INK)


def _dark_runs(row):
    """(start, length) of each horizontal run of dark modules: one rectangle per run
    instead of per module keeps the page small."""
    start = None
    for index, dark in enumerate(list(row) + [0]):
        if dark and start is None:
            start = index
        elif not dark and start is not None:
            yield start, index - start
            start = None


def _draw_footer_block(pdf, fields, issuer, verify_url):
    left = QR_X + QR_SIZE + 12
    pdf.set_font(FONT_FAMILY, "", 12)
    pdf.set_xy(left, QR_Y + 8)
    pdf.cell(100, 7, f"证书编号：{fields['code']}")
    pdf.set_font(FONT_FAMILY, "", 8)
    pdf.set_text_color(*MUTED)
    pdf.set_xy(left, QR_Y + 18)
    pdf.multi_cell(80, 4, f"验证网址：{verify_url}", align=Align.L, wrapmode=WrapMode.CHAR)
    pdf.set_text_color(*INK)

    right_edge, width = PAGE_W - 36, 95  # clear of the verify URL on the left
    pdf.set_font(FONT_FAMILY, "B", 15)
    pdf.set_xy(right_edge - width, QR_Y + 6)
    pdf.multi_cell(width, 8, issuer, align=Align.R, wrapmode=WrapMode.CHAR)
    pdf.set_font(FONT_FAMILY, "", 12)
    pdf.set_xy(right_edge - width, pdf.get_y() + 3)
    pdf.cell(width, 7, f"发证日期：{fields['issued_on']}", align=Align.R)


# --- signature -------------------------------------------------------------------------

def sign_pdf(pdf_bytes, signer=None, reason="证书签发", location="中国"):
    """The PDF with the platform's PAdES baseline signature appended as an incremental
    update (no timestamp: signing must not depend on the network)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from services.learning.signing_key import load_signer

    signer = signer or load_signer()
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location,
    )
    # Incremental: the rendered bytes stay as they are and the signature is appended.
    writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes))
    return signers.sign_pdf(writer, meta, signer=signer).getvalue()


def issue(fields, verify_url, signer=None):
    """Render and sign a certificate: (signed PDF bytes, sha256 hex of exactly those)."""
    signed = sign_pdf(render_certificate(fields, verify_url), signer=signer)
    return signed, hashlib.sha256(signed).hexdigest()


# --- learning archive ------------------------------------------------------------------

COURSE_COLUMNS = ("课程名称", "类型", "学时", "学习进度(%)", "完成时间", "考试成绩")
COURSE_WIDTHS = (42, 8, 8, 13, 18, 11)
COURSE_ALIGN = ("LEFT", "CENTER", "CENTER", "CENTER", "CENTER", "CENTER")
COURSE_KEYS = ("title", "kind_label", "hours", "progress_percent", "completed_at", "exam_score")
TOTALS = (
    ("必修已完成学时", "required_completed"),
    ("选修已完成学时", "elective_completed"),
    ("总完成学时", "total_completed"),
    ("已选学时", "total_selected"),
    ("状态", "status_label"),
    ("开始时间", "started_at"),
    ("结束时间", "completed_at"),
)


# Not the default "{nb}", which a course title could contain.
ARCHIVE_PAGES_ALIAS = "{#pages#}"


class _ArchivePdf(FPDF):
    """Running header from page 2 on and page numbers, so a loose printed page still
    says whose archive it belongs to."""

    running_title = ""

    def header(self):
        if self.page_no() == 1:
            return
        self.set_font(FONT_FAMILY, "", 8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, self.running_title, align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)
        self.set_text_color(*INK)

    def footer(self):
        self.set_y(-13)
        self.set_font(FONT_FAMILY, "", 8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, f"第 {self.page_no()} 页 / 共 {ARCHIVE_PAGES_ALIAS} 页", align=Align.C)
        self.set_text_color(*INK)


def render_archive(archive):
    """打印档案: a portrait A4 PDF (bytes) of one learner's courses and hours in one plan."""
    learner, plan = _text(archive.get("learner_name")), _text(archive.get("plan_name"))
    year = _text(archive.get("plan_year"))
    texts = [v for v in archive.values() if not isinstance(v, list)] + [
        v for course in archive.get("courses") or [] for v in course.values()]
    pdf = _prepare(_ArchivePdf(orientation="P", unit="mm", format="A4"),
                   f"{ARCHIVE_TITLE} {learner} {plan}", DEFAULT_ISSUER, ARCHIVE_PAGES_ALIAS,
                   texts=texts)
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=18)
    pdf.running_title = f"{learner} · {plan}（{year}年）{ARCHIVE_TITLE}"
    pdf.add_page()
    _archive_heading(pdf, plan, year)
    _archive_identity(pdf, archive, learner, plan, year)
    _section_title(pdf, "课程学习明细")
    _archive_courses(pdf, archive.get("courses") or [])
    _archive_totals(pdf, archive)
    return bytes(pdf.output())


def _archive_heading(pdf, plan, year):
    pdf.set_font(FONT_FAMILY, "B", 20)
    pdf.cell(0, 12, ARCHIVE_TITLE, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT_FAMILY, "", 11)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(0, 6, f"{plan}（{year}年）", align=Align.C, wrapmode=WrapMode.CHAR)
    pdf.set_text_color(*INK)
    pdf.ln(4)


def _archive_identity(pdf, archive, learner, plan, year):
    rows = (
        ("姓名", learner, "证件号", _text(archive.get("id_number_masked"))),
        ("单位", _text(archive.get("org_name")), "培训计划", f"{plan}（{year}年）"),
    )
    _label_value_table(pdf, rows)


def _label_value_table(pdf, rows):
    label = FontFace(emphasis="BOLD", fill_color=LABEL_FILL)
    pdf.set_font(FONT_FAMILY, "", 10)
    with pdf.table(col_widths=(17, 33, 17, 33), first_row_as_headings=False,
                   text_align="LEFT", line_height=6.5, padding=(1, 2),
                   wrapmode=WrapMode.CHAR) as table:
        for cells in rows:
            row = table.row()
            for index, value in enumerate(cells):
                row.cell(value, style=label if index % 2 == 0 else None)


def _section_title(pdf, title):
    pdf.ln(6)
    pdf.set_font(FONT_FAMILY, "B", 13)
    pdf.cell(0, 8, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)


def _archive_courses(pdf, courses):
    pdf.set_font(FONT_FAMILY, "", 9)
    headings = FontFace(emphasis="BOLD", fill_color=HEADING_FILL)
    with pdf.table(col_widths=COURSE_WIDTHS, headings_style=headings, repeat_headings=1,
                   text_align=COURSE_ALIGN, line_height=5.5, padding=(1, 1.5),
                   wrapmode=WrapMode.CHAR) as table:
        table.row(COURSE_COLUMNS)
        for course in courses:
            table.row([_text(course.get(key)) for key in COURSE_KEYS])
        if not courses:
            table.row().cell("暂无课程", colspan=len(COURSE_COLUMNS), align="CENTER")


def _archive_totals(pdf, archive):
    pairs = [(label, _text(archive.get(key))) for label, key in TOTALS]
    pairs.append(("", ""))  # an even number of pairs fills the two-pair rows
    rows = [pairs[i] + pairs[i + 1] for i in range(0, len(pairs), 2)]
    # Table rows never split over a page break, but the totals and their title should not
    # be split either (the heading, the ln()s and four rows need about 50 mm).
    if pdf.will_page_break(50):
        pdf.add_page()
    _section_title(pdf, "学时汇总")
    _label_value_table(pdf, rows)


if __name__ == "__main__":
    # python -m services.learning.certificate_pdf: make the cut-down faces (the setup does).
    for made in warm_common_faces():
        print(made)
