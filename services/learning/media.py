"""Course videos on disk: what an upload is, whether the platform's browsers can play it,
the free preview clip, and small generated videos for demo data and tests.

Everything goes through the ffmpeg binary inside the imageio-ffmpeg wheel, so no system
ffmpeg is needed. Only MP4 (H.264) and WebM (VP8/VP9/AV1) are accepted: those are what
Debian's chromium, and the browsers learners use, play without plug-ins.

Each call waits for ffmpeg, which runs as a separate process. Under eventlet's monkey
patching `subprocess` is green, so a Nameko worker waiting here lets the others run (checked:
a ticker greenlet kept ticking while a demo video was generated). check_upload reads every
packet of the file once; everything else reads only the headers or the preview's seconds.
"""
import os
import re
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

from services.common.errors import InvalidInput

PROBE_TIMEOUT_S = 30
# Reading every packet of a large upload is bound by the disk, not the CPU.
READ_THROUGH_TIMEOUT_S = 300
MAX_DURATION_MS = 6 * 3600 * 1000
_MIB = 1024 * 1024
# Enough for the EBML header (doctype is in its first few dozen bytes) and an ftyp box.
SNIFF_BYTES = 4096

# What the browsers of the platform play, by container. Audio may be absent.
PLAYABLE_VIDEO = {"mp4": {"h264"}, "webm": {"vp8", "vp9", "av1"}}
PLAYABLE_AUDIO = {"mp4": {"aac", "mp3"}, "webm": {"opus", "vorbis"}}
# Browsers decode 8-bit 4:2:0 H.264 only; screen recorders fed RGB often emit High 4:4:4.
PLAYABLE_H264_PIXEL_FORMATS = {"yuv420p", "yuvj420p"}

# Demuxer names for `-f`: forcing the demuxer keeps ffmpeg from auto-detecting something
# else in the bytes (an HLS playlist would make it fetch URLs).
_DEMUXER = {"webm": "matroska", "mp4": "mov"}
_MUXER = {"webm": "webm", "mp4": "mp4"}

# lavfi video sources for demo chapters, so consecutive chapters look different.
DEMO_PATTERNS = (
    "testsrc2",
    "smptebars",
    "rgbtestsrc",
    "mandelbrot",
    "life",
    "cellauto",
    "smptehdbars",
    "yuvtestsrc",
    "gradients",
    "zoneplate",
)
DEMO_SIZE = "320x180"
DEMO_FPS = 15

UNREADABLE = "无法读取视频文件，请上传有效的 MP4 或 WebM 视频"
TYPE_NOT_ALLOWED = "仅支持 MP4（H.264）或 WebM（VP9）视频"


class MediaToolError(RuntimeError):
    """ffmpeg failed on a file the platform made or had already accepted: our fault, not
    the uploader's, so it is not a DomainError."""


@dataclass(frozen=True)
class VideoInfo:
    duration_ms: int
    container: str  # "webm" or "mp4"
    video_codec: str  # ffmpeg's codec name: "vp9", "h264", ...
    audio_codec: str | None
    width: int
    height: int
    pixel_format: str | None = None


def ffmpeg_exe():
    # Imported late so that importing this module never needs the 70 MB wheel (the gateway
    # and the services that only read VideoInfo rows do not use it).
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


# --- sniffing ---------------------------------------------------------------------------

_EBML_MAGIC = b"\x1a\x45\xdf\xa3"
_EBML_DOCTYPE_ID = 0x4282


def _ebml_vint(data, pos, keep_marker):
    """Read an EBML variable-length integer at `pos`; (value, next_pos) or None."""
    if pos >= len(data) or data[pos] == 0:
        return None
    first = data[pos]
    length = 8 - first.bit_length() + 1
    if pos + length > len(data):
        return None
    value = first if keep_marker else first & (0xFF >> length)
    for byte in data[pos + 1:pos + length]:
        value = (value << 8) | byte
    return value, pos + length


def _ebml_doctype(head):
    header_size = _ebml_vint(head, len(_EBML_MAGIC), keep_marker=False)
    if header_size is None:
        return None
    size, pos = header_size
    end = min(len(head), pos + size)
    while pos < end:
        element_id = _ebml_vint(head, pos, keep_marker=True)
        if element_id is None:
            return None
        element_id, pos = element_id
        element_size = _ebml_vint(head, pos, keep_marker=False)
        if element_size is None:
            return None
        element_size, pos = element_size
        if element_id == _EBML_DOCTYPE_ID:
            return head[pos:pos + element_size].rstrip(b"\x00")
        pos += element_size
    return None


def sniff_container(head: bytes) -> str | None:
    """Return "webm", "mp4" or None, from the first bytes of a file (a few kB are plenty).

    Matroska files are accepted as "webm": browsers play a Matroska file with WebM codecs,
    and the codec check in check_upload refuses the rest."""
    head = bytes(head)
    if head.startswith(_EBML_MAGIC):
        return "webm" if _ebml_doctype(head) in (b"webm", b"matroska") else None
    # An ftyp box holds at least its size, type, major brand and minor version.
    if len(head) >= 16 and head[4:8] == b"ftyp" and int.from_bytes(head[:4], "big") >= 16:
        return "mp4"
    return None


def _sniff_file(path):
    with open(path, "rb") as f:
        return sniff_container(f.read(SNIFF_BYTES))


# --- probing ----------------------------------------------------------------------------

_DURATION = re.compile(r"^\s*Duration:\s*(\d+):(\d{2}):(\d{2}(?:\.\d+)?)", re.MULTILINE)
_STREAM = re.compile(r"^\s*Stream #\d+:\d+\S*: (Video|Audio): (.*)$", re.MULTILINE)
# "320x180" as its own comma-separated item; the `0x31637661` of a codec tag is not a size.
_SIZE = re.compile(r"(?:^|,\s)(\d{2,5})x(\d{2,5})(?=$|[\s,\[])")
_PIXEL_FORMAT = re.compile(r"^[^,]*?,\s*([a-z0-9_]+)(?:\(|,|$)")


def _run(args, timeout):
    """Run ffmpeg with `args`; (returncode, stderr text). Raises subprocess.TimeoutExpired
    after killing it."""
    completed = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        timeout=timeout,
        check=False,
    )
    # Metadata tags are copied from the file as they are: not necessarily UTF-8.
    return completed.returncode, completed.stderr.decode("utf-8", errors="replace")


def _input_path(path):
    # An absolute path starts with "/": ffmpeg can mistake neither an option ("-x.mp4")
    # nor a protocol ("concat:a|b") for it.
    return os.path.abspath(os.fspath(path))


def parse_probe_output(stderr: str, container: str) -> VideoInfo | None:
    """The VideoInfo in `ffmpeg -i`'s report, or None without a duration or video stream."""
    duration = _DURATION.search(stderr)
    if duration is None:
        return None
    hours, minutes, seconds = duration.groups()
    duration_ms = round((int(hours) * 3600 + int(minutes) * 60 + float(seconds)) * 1000)
    video = audio = None
    for kind, description in _STREAM.findall(stderr):
        if kind == "Video" and video is None and "(attached pic)" not in description:
            video = description
        elif kind == "Audio" and audio is None:
            audio = description
    if video is None:
        return None
    size = _SIZE.search(video)
    if size is None:
        return None
    pixel_format = _PIXEL_FORMAT.match(video)
    if pixel_format and pixel_format.group(1) == "none":
        # "Could not find codec parameters": not one frame of it could be decoded.
        return None
    return VideoInfo(
        duration_ms=duration_ms,
        container=container,
        video_codec=video.split()[0].rstrip(","),
        audio_codec=audio.split()[0].rstrip(",") if audio else None,
        width=int(size.group(1)),
        height=int(size.group(2)),
        pixel_format=pixel_format.group(1) if pixel_format else None,
    )


def probe(path) -> VideoInfo:
    """Duration, codecs and frame size of an MP4 or WebM file, from `ffmpeg -i`."""
    container = _sniff_file(path)
    if container is None:
        raise InvalidInput("video_unreadable", UNREADABLE)
    try:
        # Without an output ffmpeg prints the input's report and exits 1: the exit status
        # says nothing, the report does.
        _, stderr = _run(["-f", _DEMUXER[container], "-i", _input_path(path)], PROBE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise InvalidInput("video_unreadable", UNREADABLE) from None
    info = parse_probe_output(stderr, container)
    if info is None:
        raise InvalidInput("video_unreadable", UNREADABLE)
    return info


# --- checking an upload -----------------------------------------------------------------

def _megabytes(n_bytes):
    mb = n_bytes / _MIB
    return str(int(mb)) if mb == int(mb) else f"{mb:.1f}"


def check_upload(path, max_bytes) -> VideoInfo:
    """The VideoInfo of an uploaded course video, or InvalidInput saying why it cannot be
    one. Cheap checks (size, magic bytes) run before ffmpeg sees the file."""
    size = os.path.getsize(path)
    if size > max_bytes:
        raise InvalidInput("video_too_large", f"视频文件不能超过{_megabytes(max_bytes)} MB")
    if size == 0:
        raise InvalidInput("video_empty", "视频文件是空的，请重新上传")
    container = _sniff_file(path)
    if container is None:
        raise InvalidInput("video_type_not_allowed", TYPE_NOT_ALLOWED)
    info = probe(path)
    if info.video_codec not in PLAYABLE_VIDEO[container] or (
        info.audio_codec is not None and info.audio_codec not in PLAYABLE_AUDIO[container]
    ):
        raise InvalidInput(
            "video_codec_not_supported",
            f"浏览器无法播放此视频的编码（视频 {info.video_codec}，音频 {info.audio_codec or '无'}），"
            "请转换为 MP4（H.264 + AAC）或 WebM（VP9 + Opus）后再上传",
            extra={"video_codec": info.video_codec, "audio_codec": info.audio_codec},
        )
    if info.video_codec == "h264" and info.pixel_format not in PLAYABLE_H264_PIXEL_FORMATS:
        raise InvalidInput(
            "video_codec_not_supported",
            f"浏览器无法播放此 H.264 视频的像素格式（{info.pixel_format}），"
            "请以 8 位 4:2:0（yuv420p）重新导出后再上传",
            extra={"video_codec": info.video_codec, "pixel_format": info.pixel_format},
        )
    if info.duration_ms <= 0:
        raise InvalidInput("video_too_short", "视频时长为 0，请上传有效的视频")
    if info.duration_ms > MAX_DURATION_MS:
        raise InvalidInput("video_too_long", "视频时长不能超过 6 小时")
    # The duration in the header is what the file says it will hold: a file cut short (an
    # interrupted upload or copy) keeps it, and learners could then never watch to the end.
    if _read_through_ms(path, container) < info.duration_ms - _truncation_tolerance_ms(info):
        raise InvalidInput(
            "video_incomplete", "视频文件不完整（可能上传或复制时中断），请重新上传",
            extra={"declared_ms": info.duration_ms},
        )
    return info


def _truncation_tolerance_ms(info):
    # The last packet starts one frame (or one audio packet) before the end, and a silent
    # slide video at a frame a second starts its last frame a second before it. Losing 2 %
    # of a long video is not worth a refusal.
    return max(1500, info.duration_ms * 2 // 100)


def _read_through_ms(path, container):
    """How far into the file its packets actually reach, by demuxing all of it (no
    decoding: a stream copy to the null muxer)."""
    args = ["-loglevel", "error", "-f", _DEMUXER[container], "-i", _input_path(path),
            "-map", "0:v:0", "-map", "0:a:0?", "-c", "copy", "-f", "null", "-progress", "pipe:1",
            "-"]
    try:
        completed = subprocess.run(
            [ffmpeg_exe(), "-hide_banner", "-nostdin", *args], stdin=subprocess.DEVNULL,
            capture_output=True, timeout=READ_THROUGH_TIMEOUT_S, check=False,
        )
    except subprocess.TimeoutExpired:
        raise InvalidInput("video_unreadable", UNREADABLE) from None
    times = re.findall(rb"^out_time_us=(\d+)\s*$", completed.stdout, re.MULTILINE)
    return int(times[-1]) // 1000 if times else 0


# --- writing files ----------------------------------------------------------------------

def _partial_name(dst):
    # Same directory, so os.replace is an atomic rename; readers never see half a file.
    dst = Path(dst)
    return dst.with_name(f".{dst.name}.{uuid.uuid4().hex[:12]}.partial")


def _write_with_ffmpeg(args, dst, container, timeout):
    """Run ffmpeg writing to a partial file, probe it, and move it onto `dst`."""
    partial = _partial_name(dst)
    try:
        try:
            returncode, stderr = _run(
                [*args, "-f", _MUXER[container], "-y", _input_path(partial)], timeout
            )
        except subprocess.TimeoutExpired as exc:
            raise MediaToolError(f"ffmpeg took longer than {timeout} s writing {dst}") from exc
        if returncode != 0:
            raise MediaToolError(f"ffmpeg failed writing {dst}: {stderr[-2000:]}")
        try:
            info = probe(partial)
        except InvalidInput as exc:
            raise MediaToolError(f"ffmpeg wrote an unreadable {dst}") from exc
        os.replace(partial, dst)
        return info
    finally:
        if partial.exists():
            partial.unlink()


def _seconds_arg(seconds):
    # Not "{:g}": ffmpeg refuses "1e+06" as a duration.
    return f"{float(seconds):.3f}"


def make_preview(src, dst, seconds) -> VideoInfo:
    """Write the first `seconds` of `src` to `dst` as a file of its own, in src's container,
    so that a learner allowed only the preview is never served the rest of the video.

    Streams are copied, not re-encoded: a cut at the start begins on a key frame, and the
    end needs none. If the copy fails (odd timestamps), the clip is re-encoded instead."""
    if not seconds or seconds <= 0:
        raise ValueError("seconds must be positive")
    container = _sniff_file(src)
    if container is None:
        raise InvalidInput("video_type_not_allowed", TYPE_NOT_ALLOWED)
    source = ["-f", _DEMUXER[container], "-i", _input_path(src), "-t", _seconds_arg(seconds),
              # Only the first video and audio stream: subtitle and data tracks (a tmcd
              # track from a camera) make the muxer refuse.
              "-map", "0:v:0", "-map", "0:a:0?", "-map_metadata", "-1"]
    # The moov box in front lets the browser start the clip before it has all of it.
    muxing = ["-movflags", "+faststart"] if container == "mp4" else []
    timeout = 60 + 2 * seconds
    try:
        return _write_with_ffmpeg([*source, "-c", "copy", *muxing], dst, container, timeout)
    except MediaToolError:
        pass
    if container == "mp4":
        codecs = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p",
                  "-c:a", "aac", "-b:a", "128k"]
    else:
        codecs = ["-c:v", "libvpx-vp9", "-deadline", "good", "-cpu-used", "5", "-row-mt", "1",
                  "-b:v", "0", "-crf", "33", "-c:a", "libopus", "-b:a", "96k"]
    return _write_with_ffmpeg([*source, *codecs, *muxing], dst, container, 120 + 20 * seconds)


def generate_demo_video(dst, seconds, pattern=0, tone_hz=440) -> VideoInfo:
    """A small real WebM video (VP9 + Opus, 320x180, 15 fps) of a lavfi test pattern and a
    sine tone, for demo data and tests. `pattern` picks the picture (modulo the list), so
    chapters of a demo course look and sound different."""
    if not seconds or seconds <= 0:
        raise ValueError("seconds must be positive")
    source = DEMO_PATTERNS[pattern % len(DEMO_PATTERNS)]
    args = [
        "-f", "lavfi", "-i", f"{source}=size={DEMO_SIZE}:rate={DEMO_FPS}",
        "-f", "lavfi", "-i", f"sine=frequency={tone_hz:g}:sample_rate=48000",
        "-t", _seconds_arg(seconds),
        "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "80k",
        # A key frame every 5 s (libvpx's default is 128 frames, 8.5 s here) keeps seeking
        # in the player quick; every 2 s made the files 7 % larger.
        "-g", str(5 * DEMO_FPS), "-pix_fmt", "yuv420p",
        "-c:a", "libopus", "-b:a", "32k",
    ]
    return _write_with_ffmpeg(args, dst, "webm", 60 + 2 * seconds)
