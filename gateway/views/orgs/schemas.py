from services.common.schema import Schema, fields, length


class TreeQuery(Schema):
    parent_id = fields.Integer(load_default=None, metadata={"description": "不填为顶层"})
    q = fields.String(load_default=None, validate=length(max=50),
                      metadata={"description": "按名称搜索"})


class OrgNode(Schema):
    id = fields.Integer()
    name = fields.String()
    type = fields.String()
    type_label = fields.String()
    parent_id = fields.Integer(allow_none=True)
    review_members = fields.Boolean(metadata={"description": "本单位人员注册是否需审核"})
    accepts_members = fields.Boolean(metadata={"description": "可作为专技人员的所属单位"})
    has_children = fields.Boolean()
    path_names = fields.List(fields.String())


class OrgList(Schema):
    items = fields.List(fields.Nested(OrgNode))
