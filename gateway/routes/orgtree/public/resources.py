"""Public routes answered by orgtree (/api/v1/orgs): the org picker and a unit's
registration (certificate scan, then the registration)."""
import uuid

from gateway.blueprint import Blueprint

from ....files import store_upload
from ....rpc import rpc_pool
from .schemas import (CertificateAccepted, CertificateFile, OrgList, OrgRegistered,
                      OrgRegistrationBody, TreeQuery)

blp = Blueprint("orgtree_public", __name__, url_prefix="/api/v1/orgs", description="组织机构")


@blp.route("/tree", methods=["GET"], endpoint="tree")
@blp.arguments(TreeQuery, location="query")
@blp.response(200, OrgList)
def tree(query):
    """组织机构选择器：逐级展开或按名称搜索（注册时使用，无需登录）"""
    return rpc_pool().orgtree.picker(query["parent_id"], query["q"])


@blp.route("/certificates", methods=["POST"], endpoint="upload_certificate")
@blp.arguments(CertificateFile, location="files")
@blp.response(201, CertificateAccepted)
def upload_certificate(files):
    """单位注册第一步：上传代码证扫描件（按内容核验类型，不超过5MB）"""
    key = f"org-certificates/{uuid.uuid4().hex}"
    store_upload(key, files["file"].stream)
    return rpc_pool().orgtree.accept_certificate(key)


@blp.route("/registrations", methods=["POST"], endpoint="register_org")
@blp.arguments(OrgRegistrationBody)
@blp.response(201, OrgRegistered)
def register_org(body):
    """主管部门 / 用人单位 / 继续教育基地注册：待所选上级单位管理员审核通过后可登录"""
    applicant = body.pop("applicant")
    return rpc_pool().orgtree.register_org(body, applicant)
