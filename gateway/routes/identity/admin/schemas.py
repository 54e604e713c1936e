from services.common.contracts import BatchDecisionBody, batch_result, page_of
from services.common.schema import Schema, fields, length

from ..me.schemas import InfoChange


class PasswordResetDone(Schema):
    user_id = fields.Integer()
    must_change_password = fields.Boolean()


class Learner(Schema):
    user_id = fields.Integer()
    username = fields.String()
    real_name = fields.String()
    id_type = fields.String()
    id_number_masked = fields.String()
    mobile_masked = fields.String()
    gender = fields.String()
    org_id = fields.Integer()
    org_name = fields.String(allow_none=True)
    title_level = fields.String(allow_none=True)
    professional_title = fields.String(allow_none=True)
    education = fields.String(allow_none=True)
    status = fields.String()
    registered_at = fields.String()


LearnerPage = page_of("LearnerPage", Learner, total_exact=True,
                      total_description="符合条件的人数（超过10000时为10000）")


class Role(Schema):
    id = fields.Integer()
    org_id = fields.Integer()
    name = fields.String()
    modules = fields.List(fields.String())
    module_labels = fields.List(fields.String())


class AdminStatusBody(Schema):
    status = fields.String(required=True, metadata={"description": "active 启用 / disabled 禁用"})


class Admin(Schema):
    grant_id = fields.Integer()
    user_id = fields.Integer()
    org_id = fields.Integer()
    username = fields.String()
    real_name = fields.String(allow_none=True)
    id_number_masked = fields.String()
    role_name = fields.String()
    is_super = fields.Boolean()
    status = fields.String(metadata={
        "description": "active 启用 / disabled 禁用 / invited 待接受（本单位以外的已有用户，"
                       "接受邀请前没有任何管理权限）"})
    granted_at = fields.String()


class BatchQueryBody(Schema):
    by = fields.String(required=True, metadata={"description": "username 按用户名 / id_number 按证件号码"})
    values = fields.List(fields.String(validate=length(max=64)), required=True,
                         metadata={"description": "1–1000个"})


class BatchQueryResult(Schema):
    items = fields.List(fields.Nested(Learner))
    not_found = fields.List(fields.String())


class AddedLearner(Schema):
    user_id = fields.Integer()
    username = fields.String()
    status = fields.String()


class ExportLink(Schema):
    rows = fields.Integer()
    filename = fields.String()
    download_url = fields.String(metadata={"description": "10分钟内有效"})
    expires_at = fields.String()


class ImportForm(Schema):
    org_id = fields.Integer(required=True, metadata={"description": "导入到的单位"})


class ImportFile(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary",
                                               "description": "按模板填写的 .xlsx"})


class ImportStarted(Schema):
    import_id = fields.Integer()
    status = fields.String()


class FileLink(Schema):
    filename = fields.String()
    download_url = fields.String()
    expires_at = fields.String()


class JobProgress(Schema):
    done = fields.Integer(metadata={"description": "已处理的行数（含失败行）"})
    total = fields.Integer(allow_none=True, metadata={"description": "文件中的行数；读完文件前为空"})


class ImportStatus(Schema):
    import_id = fields.Integer()
    org_id = fields.Integer()
    org_name = fields.String()
    filename = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "queued / running / done / failed"})
    progress = fields.Nested(JobProgress, metadata={"description": "导入进度，轮询查看"})
    total_rows = fields.Integer(allow_none=True)
    imported = fields.Integer(allow_none=True)
    failed = fields.Integer(allow_none=True)
    error = fields.String(allow_none=True)
    failure_report = fields.Nested(FileLink, allow_none=True)
    created_at = fields.String()
    started_at = fields.String(allow_none=True)
    finished_at = fields.String(allow_none=True)


PersonChangePage = page_of("PersonChangePage", InfoChange)


class UnitAdmin(Schema):
    grant_id = fields.Integer()
    user_id = fields.Integer()
    username = fields.String()
    real_name = fields.String(allow_none=True)
    id_number_masked = fields.String(allow_none=True)
    role_name = fields.String()
    is_super = fields.Boolean()
    status = fields.String()
    granted_at = fields.String()


class UnitAdmins(Schema):
    org_id = fields.Integer()
    org_name = fields.String()
    items = fields.List(fields.Nested(UnitAdmin))


class AdminRemoved(Schema):
    grant_id = fields.Integer()
    status = fields.String()


class PersonChangeDecisionBody(BatchDecisionBody):
    change_ids = fields.List(fields.Integer(strict=True), required=True)


PersonChangeDecisionResult = batch_result("PersonChangeDecisionResult", "change_id")
