from flask_smorest import Blueprint

from ...rpc import rpc_pool
from .schemas import OrgList, TreeQuery

blp = Blueprint("orgs", __name__, url_prefix="/api/v1/orgs", description="组织机构")


@blp.route("/tree", methods=["GET"], endpoint="tree")
@blp.arguments(TreeQuery, location="query")
@blp.response(200, OrgList)
def tree(query):
    """组织机构选择器：逐级展开或按名称搜索（注册时使用，无需登录）"""
    return rpc_pool().orgtree.picker(query["parent_id"], query["q"])
