"""Public routes answered by learning: certificate verification (no login)."""
from gateway.blueprint import Blueprint

from ....rpc import rpc_pool
from ..shapes import CertificateView

blp = Blueprint("learning_public", __name__, url_prefix="/api/v1/certificates",
                description="证书验证")


@blp.route("/<code>", methods=["GET"], endpoint="verify_certificate")
@blp.response(200, CertificateView)
def verify_certificate(code):
    """证书验证（扫码或输入证书编号，无需登录）：证书的全部内容、状态和文件的 SHA-256"""
    return rpc_pool().learning.verify_certificate(code[:40])
