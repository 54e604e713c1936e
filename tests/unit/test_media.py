"""Course videos: the container sniffer, what `ffmpeg -i` reports, which uploads are refused
and why, the free preview clip, and generated demo videos. Real (short) videos made with the
ffmpeg of imageio-ffmpeg, no mocks of ffmpeg."""
import subprocess
import zlib

import pytest

from services.common.errors import InvalidInput
from services.learning import media

MIB = 1024 * 1024


def ffmpeg(*args):
    """Make a test file with ffmpeg itself, for the kinds generate_demo_video does not make."""
    subprocess.run([media.ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
                    *map(str, args)], check=True, timeout=60, stdin=subprocess.DEVNULL)


def lavfi_video(size="320x180"):
    return ["-f", "lavfi", "-i", f"testsrc2=size={size}:rate=15"]


def lavfi_tone():
    return ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"]


def refused(path, code, max_bytes=50 * MIB):
    with pytest.raises(InvalidInput) as caught:
        media.check_upload(path, max_bytes)
    assert caught.value.code == code, caught.value
    assert caught.value.detail  # a message for the uploader, not only a code
    return caught.value


@pytest.fixture(scope="module")
def demo_webm(tmp_path_factory):
    path = tmp_path_factory.mktemp("media") / "demo.webm"
    media.generate_demo_video(path, 6)
    return path


@pytest.fixture(scope="module")
def h264_mp4(tmp_path_factory):
    path = tmp_path_factory.mktemp("media") / "lecture.mp4"
    ffmpeg(*lavfi_video(), *lavfi_tone(), "-t", 4, "-c:v", "libx264", "-preset", "ultrafast",
           "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k", path)
    return path


def png_bytes():
    def chunk(kind, data):
        return (len(data).to_bytes(4, "big") + kind + data
                + zlib.crc32(kind + data).to_bytes(4, "big"))
    ihdr = (1).to_bytes(4, "big") + (1).to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


# --- sniffing -----------------------------------------------------------------------------

def test_sniffer_knows_webm_matroska_and_mp4_by_their_first_bytes(demo_webm, h264_mp4):
    assert media.sniff_container(demo_webm.read_bytes()[:64]) == "webm"
    assert media.sniff_container(h264_mp4.read_bytes()[:64]) == "mp4"
    matroska = (b"\x1a\x45\xdf\xa3\x93\x42\x86\x81\x01\x42\xf7\x81\x01"
                b"\x42\x82\x88matroska")
    assert media.sniff_container(matroska) == "webm"


def test_sniffer_refuses_everything_else():
    other_ebml = b"\x1a\x45\xdf\xa3\x8a\x42\x86\x81\x01\x42\x82\x83mka"
    for head in (b"", b"\x1a\x45\xdf", b"\x1a\x45\xdf\xa3", other_ebml, png_bytes(),
                 b"%PDF-1.7\n", b"GIF89a", b"just some text\n", b"\x00\x00\x00\x08ftyp",
                 b"RIFF\x00\x00\x00\x00AVI LIST"):
        assert media.sniff_container(head) is None, head


# --- probing ------------------------------------------------------------------------------

def test_a_generated_demo_video_is_webm_vp9_opus_of_the_asked_length(demo_webm):
    info = media.probe(demo_webm)
    assert (info.container, info.video_codec, info.audio_codec) == ("webm", "vp9", "opus")
    assert (info.width, info.height) == (320, 180)
    assert abs(info.duration_ms - 6000) <= 200
    assert demo_webm.stat().st_size < 300 * 1024


def test_demo_patterns_differ_and_wrap_around(tmp_path):
    first = media.generate_demo_video(tmp_path / "a.webm", 1, pattern=0, tone_hz=330)
    again = media.generate_demo_video(tmp_path / "b.webm", 1, pattern=len(media.DEMO_PATTERNS))
    other = media.generate_demo_video(tmp_path / "c.webm", 1, pattern=1)
    assert first.video_codec == again.video_codec == other.video_codec == "vp9"
    assert (tmp_path / "a.webm").read_bytes() != (tmp_path / "c.webm").read_bytes()
    assert not list(tmp_path.glob(".*partial"))  # temporary files are moved or removed


def test_the_probe_report_parser_does_not_take_a_codec_tag_for_the_frame_size():
    report = """Input #0, mov,mp4,m4a,3gp,3g2,mj2, from '/x/a.mp4':
  Duration: 01:02:03.45, start: 0.000000, bitrate: 246 kb/s
  Stream #0:0[0x1](und): Video: mjpeg (Baseline) (jpeg / 0x6765706A), yuvj420p(pc), 600x600, 90k tbn (attached pic)
  Stream #0:1[0x2](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(progressive), 1280x720 [SAR 1:1 DAR 16:9], 175 kb/s, 25 fps
  Stream #0:2[0x3](und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, stereo, fltp, 64 kb/s (default)
"""
    info = media.parse_probe_output(report, "mp4")
    assert info == media.VideoInfo(duration_ms=3723450, container="mp4", video_codec="h264",
                                   audio_codec="aac", width=1280, height=720,
                                   pixel_format="yuv420p")
    assert media.parse_probe_output(report.replace("01:02:03.45", "N/A"), "mp4") is None


# --- check_upload -------------------------------------------------------------------------

def test_check_upload_accepts_the_demo_webm(demo_webm):
    info = media.check_upload(demo_webm, 50 * MIB)
    assert (info.container, info.video_codec) == ("webm", "vp9")


def test_check_upload_accepts_an_h264_aac_mp4(h264_mp4):
    info = media.check_upload(h264_mp4, 50 * MIB)
    assert (info.container, info.video_codec, info.audio_codec) == ("mp4", "h264", "aac")
    assert abs(info.duration_ms - 4000) <= 200


def test_a_png_or_a_text_file_named_mp4_is_not_a_video(tmp_path):
    (tmp_path / "photo.mp4").write_bytes(png_bytes())
    (tmp_path / "notes.mp4").write_text("第一章 课程介绍\n" * 50, encoding="utf-8")
    for name in ("photo.mp4", "notes.mp4"):
        error = refused(tmp_path / name, "video_type_not_allowed")
        assert error.detail == "仅支持 MP4（H.264）或 WebM（VP9）视频"


def test_an_empty_file_is_refused(tmp_path):
    (tmp_path / "empty.webm").write_bytes(b"")
    refused(tmp_path / "empty.webm", "video_empty")


def test_a_file_over_the_limit_is_refused_before_ffmpeg_reads_it(demo_webm, monkeypatch):
    monkeypatch.setattr(media, "probe", lambda path: pytest.fail("probed a file over the limit"))
    size = demo_webm.stat().st_size
    assert "MB" in refused(demo_webm, "video_too_large", max_bytes=size - 1).detail


def test_the_size_limit_message_names_the_limit_in_megabytes(tmp_path):
    (tmp_path / "big.webm").write_bytes(b"\x1a\x45\xdf\xa3" + b"\x00" * (2 * MIB))
    error = refused(tmp_path / "big.webm", "video_too_large", max_bytes=1 * MIB)
    assert error.detail == "视频文件不能超过1 MB"


def test_a_truncated_webm_with_no_streams_is_unreadable(demo_webm, tmp_path):
    # The EBML header survives (so it sniffs as webm) but the segment is cut short.
    for cut in (60, 300, 1000):
        (tmp_path / f"cut{cut}.webm").write_bytes(demo_webm.read_bytes()[:cut])
        assert media.sniff_container((tmp_path / f"cut{cut}.webm").read_bytes()) == "webm"
        refused(tmp_path / f"cut{cut}.webm", "video_unreadable")


def test_a_file_cut_short_is_refused_though_its_header_promises_the_full_length(
        demo_webm, h264_mp4, tmp_path):
    # Both headers (the WebM's, and the MP4's moov box moved to the front) still declare
    # the whole duration; only reading the packets shows that half of them are missing.
    ffmpeg("-i", h264_mp4, "-c", "copy", "-movflags", "+faststart", tmp_path / "fast.mp4")
    for source, name in ((demo_webm, "half.webm"), (tmp_path / "fast.mp4", "half.mp4")):
        data = source.read_bytes()
        (tmp_path / name).write_bytes(data[:len(data) // 2])
        assert abs(media.probe(tmp_path / name).duration_ms - media.probe(source).duration_ms) < 50
        error = refused(tmp_path / name, "video_incomplete")
        assert "不完整" in error.detail


def test_a_silent_slide_video_at_one_frame_a_second_is_complete(tmp_path):
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=1", "-t", 10, "-c:v", "libx264",
           "-preset", "ultrafast", "-pix_fmt", "yuv420p", tmp_path / "slides.mp4")
    info = media.check_upload(tmp_path / "slides.mp4", 50 * MIB)
    assert (info.audio_codec, abs(info.duration_ms - 10000) <= 200) == (None, True)


def test_an_audio_only_webm_is_unreadable_as_a_video(tmp_path):
    ffmpeg(*lavfi_tone(), "-t", 1, "-c:a", "libopus", tmp_path / "voice.webm")
    refused(tmp_path / "voice.webm", "video_unreadable")


def test_codecs_the_browsers_cannot_play_are_refused(tmp_path):
    # H.264 in Matroska sniffs as "webm" but WebM means VP8/VP9/AV1.
    ffmpeg(*lavfi_video(), "-t", 1, "-c:v", "libx264", "-preset", "ultrafast",
           "-pix_fmt", "yuv420p", "-f", "matroska", tmp_path / "h264.mkv")
    # MPEG-4 Part 2 in an MP4: the container is fine, the codec is not.
    ffmpeg(*lavfi_video(), "-t", 1, "-c:v", "mpeg4", tmp_path / "old.mp4")
    # High 4:4:4 H.264, what screen recorders fed RGB make: not decoded by browsers.
    ffmpeg(*lavfi_video(), "-t", 1, "-c:v", "libx264", "-preset", "ultrafast",
           "-pix_fmt", "yuv444p", tmp_path / "screen.mp4")
    # AC-3 sound in an MP4 (some cameras): chromium has no AC-3 decoder.
    ffmpeg(*lavfi_video(), *lavfi_tone(), "-t", 1, "-c:v", "libx264", "-preset", "ultrafast",
           "-pix_fmt", "yuv420p", "-c:a", "ac3", tmp_path / "camera.mp4")
    for name in ("h264.mkv", "old.mp4", "screen.mp4", "camera.mp4"):
        refused(tmp_path / name, "video_codec_not_supported")


def test_a_video_over_six_hours_is_refused(demo_webm, monkeypatch):
    long = media.VideoInfo(6 * 3600 * 1000 + 1, "webm", "vp9", "opus", 320, 180, "yuv420p")
    monkeypatch.setattr(media, "probe", lambda path: long)
    refused(demo_webm, "video_too_long")


# --- preview clips ------------------------------------------------------------------------

def test_the_preview_is_the_first_seconds_as_a_smaller_file_of_its_own(tmp_path):
    source = tmp_path / "chapter.webm"
    full = media.generate_demo_video(source, 10, pattern=2)
    preview = media.make_preview(source, tmp_path / "chapter.preview.webm", 3)
    assert (preview.container, preview.video_codec, preview.audio_codec) == ("webm", "vp9", "opus")
    assert 2500 <= preview.duration_ms <= 3500 < full.duration_ms
    assert (tmp_path / "chapter.preview.webm").stat().st_size < source.stat().st_size
    assert media.check_upload(tmp_path / "chapter.preview.webm", 50 * MIB) == preview


def test_an_mp4_preview_stays_mp4_with_its_index_in_front(h264_mp4, tmp_path):
    dst = tmp_path / "lecture.preview.mp4"
    preview = media.make_preview(h264_mp4, dst, 2)
    assert (preview.container, preview.video_codec, preview.audio_codec) == ("mp4", "h264", "aac")
    assert preview.duration_ms <= 2500
    head = dst.read_bytes()[:4096]
    assert head.find(b"moov") != -1 and head.find(b"moov") < max(head.find(b"mdat"), 4096)


def test_a_preview_replaces_an_older_one_and_leaves_no_temporary_file(demo_webm, tmp_path):
    dst = tmp_path / "p.webm"
    dst.write_bytes(b"an older preview")
    media.make_preview(demo_webm, dst, 2)
    assert media.sniff_container(dst.read_bytes()[:64]) == "webm"
    assert [p.name for p in tmp_path.iterdir()] == ["p.webm"]


def test_a_preview_that_cannot_be_stream_copied_is_re_encoded(tmp_path):
    # H.264 in Matroska sniffs as "webm", and the WebM muxer refuses to copy H.264.
    ffmpeg(*lavfi_video(), *lavfi_tone(), "-t", 3, "-c:v", "libx264", "-preset", "ultrafast",
           "-pix_fmt", "yuv420p", "-c:a", "libopus", "-f", "matroska", tmp_path / "h264.mkv")
    preview = media.make_preview(tmp_path / "h264.mkv", tmp_path / "h264.preview.webm", 1.5)
    assert (preview.container, preview.video_codec, preview.audio_codec) == ("webm", "vp9", "opus")
    assert 1000 <= preview.duration_ms <= 2000
