"""Certificates of passed plans: rendered in Chinese with a QR code to the public
verification page, digitally signed (PAdES) by the platform's key, and stored with the
SHA-256 of the issued file; an operator may revoke one (the page then says so). Rendering
is a job: it may run twice, and the second run only finds the certificate issued."""
from sqlalchemy import or_, select, update

from services.common.clock import as_utc
from services.common.errors import Conflict, NotFound
from services.common.jobs import JobKind, Outcome
from services.common.schema import load

from . import people
from .contracts import RevokeBody
from .domain.calendar import plan_open, shanghai_today
from .models import certificates, enrolments, learners
from .operators import require_learner, require_operator
from .plans import get_plan
from .settings import public_base_url

ISSUER = "天津市专业技术人员继续教育平台"
STATUS_LABELS = {"pending": "制作中", "issued": "有效", "revoked": "已撤销"}


def _iso(value):
    return as_utc(value).isoformat() if value else None


def verify_url(code):
    return f"{public_base_url()}/verify/{code}"


def _row(uow, **where):
    query = select(certificates)
    for column, value in where.items():
        query = query.where(certificates.c[column] == value)
    row = uow.session.execute(query).mappings().first()
    return dict(row) if row else None


def job_kind(storage, offload=lambda f, *a: f(*a)):
    def run(ctx):
        enrolment_id = ctx.job.params["enrolment_id"]
        with ctx.db() as uow:
            cert = _row(uow, enrolment_id=enrolment_id)
            if cert is None or cert["status"] != "pending":
                return Outcome({"certificate_id": cert and cert["id"]})
            enrolment = uow.session.execute(select(enrolments).where(
                enrolments.c.id == enrolment_id)).mappings().first()
            plan = get_plan(uow, enrolment["plan_id"])
            person = people.learner(uow, enrolment["user_id"]) or {}
            fields = dict(cert["fields"]) | {
                "learner_name": person.get("real_name") or person.get("username") or "—",
                "id_number_masked": person.get("id_number_masked") or "—",
                "plan_name": plan["name"], "plan_year": str(plan["year"]),
                "code": cert["code"], "issuer": ISSUER,
                "issued_on": shanghai_today(uow.clock.now()).isoformat()}
        from .certificate_pdf import cjk_font, issue
        from .signing_key import load_signer
        # The font and the signer are found here, on the event loop (they may run a
        # subprocess or take a lock); only rendering and signing run in the worker thread.
        cjk_font()
        data, digest = offload(issue, fields, verify_url(fields["code"]), load_signer())
        key = f"learning/certificates/{fields['code']}.pdf"
        storage.put(key, data)
        with ctx.db() as uow:
            now = uow.clock.now()
            taken = uow.session.execute(update(certificates).where(
                certificates.c.id == cert["id"], certificates.c.status == "pending").values(
                status="issued", fields=fields, file_key=key, sha256=digest, issued_at=now)
            ).rowcount
            if taken:
                uow.add_event("certificate_issued", {
                    "certificate_id": cert["id"], "code": fields["code"],
                    "enrolment_id": enrolment_id, "user_id": enrolment["user_id"],
                    "plan_id": plan["id"], "sha256": digest, "issued_at": now})
            ctx.step(uow, {"issued": True}, 1, 1)
            uow.commit()
        return Outcome({"certificate_id": cert["id"]}, key)
    return JobKind("certificate", run, gave_up="证书生成多次失败，请联系平台运营人员")


def public_view(uow, code):
    """/verify/<code>: every field of the certificate, its file's SHA-256, its status."""
    cert = _row(uow, code=str(code).strip().upper())
    if cert is None or cert["status"] == "pending":
        raise NotFound("certificate_not_found", "未找到该证书，请核对证书编号")
    fields = cert["fields"]
    return {"code": cert["code"], "status": cert["status"],
            "status_label": STATUS_LABELS[cert["status"]],
            "learner_name": fields.get("learner_name"),
            "id_number_masked": fields.get("id_number_masked"),
            "plan_name": fields.get("plan_name"), "plan_year": fields.get("plan_year"),
            "hours_total": fields.get("hours_total"),
            "required_hours": fields.get("required_hours"),
            "elective_hours": fields.get("elective_hours"),
            "completed_on": fields.get("completed_on"), "issued_on": fields.get("issued_on"),
            "issuer": fields.get("issuer"), "sha256": cert["sha256"],
            "issued_at": _iso(cert["issued_at"]), "revoked_at": _iso(cert["revoked_at"]),
            "revoked_reason": cert["revoked_reason"]}


def download(uow, storage, actor, enrolment_id):
    """打印证书: a link to the signed PDF, while the plan is open (after its close date
    nothing of it can be done unless the operator reopens it)."""
    require_learner(actor)
    cert = _row(uow, enrolment_id=int(enrolment_id))
    if cert is None or cert["user_id"] != actor["user_id"]:
        raise NotFound("certificate_not_found", "该计划尚未获得证书")
    if cert["status"] == "pending":
        raise Conflict("certificate_pending", "证书正在制作中，请稍后再试")
    if cert["status"] == "revoked":
        raise Conflict("certificate_revoked", "该证书已被撤销：" + (cert["revoked_reason"] or ""))
    plan = get_plan(uow, cert["plan_id"])
    if not plan_open(plan, shanghai_today(uow.clock.now())):
        raise Conflict("plan_closed", "培训计划已结束（系统下线），不能再打印证书")
    return {"code": cert["code"], "sha256": cert["sha256"],
            "url": storage.signed_link(cert["file_key"], 300) + f"&name=证书_{cert['code']}.pdf",
            "verify_url": verify_url(cert["code"])}


def revoke(uow, actor, code, data):
    require_operator(actor)
    clean = load(RevokeBody(), data)
    cert = _row(uow, code=str(code).strip().upper())
    if cert is None:
        raise NotFound("certificate_not_found", "证书不存在")
    if cert["status"] != "issued":
        raise Conflict("certificate_not_issued", "只能撤销已签发的证书")
    now = uow.clock.now()
    uow.session.execute(update(certificates).where(certificates.c.id == cert["id"]).values(
        status="revoked", revoked_at=now, revoked_reason=clean["reason"],
        revoked_by=actor["user_id"]))
    uow.add_event("certificate_revoked", {"certificate_id": cert["id"], "code": cert["code"],
                                          "user_id": cert["user_id"], "reason": clean["reason"],
                                          "revoked_at": now})
    uow.commit()
    return public_view(uow, cert["code"])


def listing(uow, actor, query):
    """The operator's certificate list, newest first, by code or learner (name, username)."""
    from services.common.paging import page_request, paged
    require_operator(actor)
    rows = select(certificates).where(certificates.c.status != "pending").order_by(
        certificates.c.id.desc())
    q = str((query or {}).get("q") or "").strip()
    if q:
        # A code (as typed on paper, any case) or part of the learner's name or username.
        rows = rows.where(or_(
            certificates.c.code == q.upper(),
            certificates.c.user_id.in_(select(learners.c.user_id).where(or_(
                learners.c.real_name.contains(q, autoescape=True), learners.c.username == q)))))
    return paged(uow.session, rows, page_request(query or {}),
                 view=lambda r: public_view(uow, r["code"]))
