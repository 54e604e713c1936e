"""Streams a stored file against a valid signed link (issued by the service that owns the
file); HTTP Range requests are answered, so video and large exports resume."""
from pathlib import PurePosixPath

from flask import Blueprint, current_app, request, send_file

from services.common.errors import Forbidden, NotFound
from services.common.storage import FileStorage

blp = Blueprint("files", __name__)


def storage():
    if "storage" not in current_app.extensions:
        current_app.extensions["storage"] = FileStorage()
    return current_app.extensions["storage"]


def store_upload(key, stream):
    """An upload goes straight into the store; the owning service reads it from there."""
    storage().put(key, stream)


@blp.route("/api/v1/files/<path:key>")
def download(key):
    store = storage()
    if not store.verify_link(key, request.args.get("expires"), request.args.get("sig")):
        raise Forbidden("link_invalid", "下载链接无效或已过期，请重新导出")
    try:
        path = store.local_path(key)
    except ValueError:
        raise NotFound("file_not_found", "文件不存在") from None
    if not path.is_file():
        raise NotFound("file_not_found", "文件不存在")
    name = request.args.get("name") or PurePosixPath(key).name
    # inline=1: shown by the browser (a certificate to print) rather than saved.
    inline = request.args.get("inline") == "1"
    return send_file(path, as_attachment=not inline, download_name=name, conditional=True,
                     max_age=0)


MEDIA_TYPES = {".webm": "video/webm", ".mp4": "video/mp4"}


@blp.route("/api/v1/media/<path:key>")
def media(key):
    """A course video (or its preview) for the player, inline and by byte ranges, against
    the short-lived link learning issued to a learner who may watch it."""
    store = storage()
    if not store.verify_link(key, request.args.get("expires"), request.args.get("sig")):
        raise Forbidden("link_invalid", "视频链接无效或已过期，请重新进入学习")
    suffix = PurePosixPath(key).suffix
    try:
        path = store.local_path(key)
    except ValueError:
        raise NotFound("file_not_found", "文件不存在") from None
    if suffix not in MEDIA_TYPES or not path.is_file():
        raise NotFound("file_not_found", "文件不存在")
    response = send_file(path, mimetype=MEDIA_TYPES[suffix], conditional=True, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Accept-Ranges"] = "bytes"
    return response
