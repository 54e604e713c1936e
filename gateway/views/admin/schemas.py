from services.common.schema import Schema, fields


class PasswordResetDone(Schema):
    user_id = fields.Integer()
    must_change_password = fields.Boolean()
