"""发票: a learner asks for an invoice for their paid orders — 普通发票 (personal or company
title; a company title with its tax number) or 增值税专用发票 (company name, tax number,
address and phone, bank and account: the notice's 附件4) — and a company's batch request
covers many learners' orders at once (the operator enters it from the company's list).
The amount is what was paid and not refunded. An order is on one live request at most; a
rejected request frees its orders. The operator issues it with the invoice number and
the electronic invoice (PDF), which the requester downloads."""
import io
from zoneinfo import ZoneInfo

from pypdf import PdfReader
from pypdf.errors import PyPdfError
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from stdnum.cn import uscc

from services.common.clock import as_utc
from services.common.errors import Conflict, InvalidInput, NotFound
from services.common.paging import page_request, paged

from .domain import order_numbers
from .domain.money import yuan_text
from .learners import require_learner, require_operator
from .models import invoice_orders, invoices, orders

SHANGHAI = ZoneInfo("Asia/Shanghai")
KIND_LABELS = {"ordinary": "普通发票", "special": "增值税专用发票"}
STATUS_LABELS = {"requested": "待开具", "issued": "已开具", "rejected": "已驳回"}
MAX_PDF_BYTES = 5 * 1024 * 1024


def _invalid(field, message):
    return InvalidInput("invoice_invalid", message, fields={field: [message]})


def check_title(data):
    """The title's rules beyond field shapes: a company's tax number is a valid 统一社会信用
    代码; a special invoice is a company's, with every 附件4 field."""
    if data["kind"] == "special" and data["title_type"] != "company":
        raise _invalid("title_type", "增值税专用发票只能开给单位")
    if data["title_type"] == "company":
        if not data.get("tax_no") or not uscc.is_valid(data["tax_no"]):
            raise _invalid("tax_no", "纳税人识别号（统一社会信用代码）不正确")
    if data["kind"] == "special":
        for field, label in (("address_phone", "地址、电话"), ("bank_account", "开户行及账号")):
            if not (data.get(field) or "").strip():
                raise _invalid(field, f"增值税专用发票须填写{label}")
    if data["kind"] == "ordinary" and not data.get("email"):
        raise _invalid("email", "请填写接收电子发票的邮箱")


def view(row, order_nos=None):
    answer = {"request_no": row["request_no"], "kind": row["kind"],
              "kind_label": KIND_LABELS[row["kind"]], "title_type": row["title_type"],
              "title": row["title"], "tax_no": row["tax_no"], "email": row["email"],
              "address_phone": row["address_phone"], "bank_account": row["bank_account"],
              "amount_fen": row["amount_fen"], "amount": yuan_text(row["amount_fen"]),
              "batch": row["batch"], "status": row["status"],
              "status_label": STATUS_LABELS[row["status"]], "invoice_no": row["invoice_no"],
              "reject_reason": row["reject_reason"], "has_file": bool(row["file_key"]),
              "created_at": as_utc(row["created_at"]).isoformat()}
    if order_nos is not None:
        answer["order_nos"] = order_nos
    return answer


def _order_nos(uow, invoice_id):
    return [r.order_no for r in uow.session.execute(
        select(orders.c.order_no).join(invoice_orders, invoice_orders.c.order_id == orders.c.id)
        .where(invoice_orders.c.invoice_id == invoice_id).order_by(orders.c.order_no))]


def _create(uow, requested_by, order_rows, data, batch):
    check_title(data)
    if not order_rows:
        raise _invalid("order_nos", "请选择要开票的订单")
    unpaid = [o["order_no"] for o in order_rows
              if o["status"] not in ("paid", "partially_refunded") or o["kind"] != "purchase"]
    if unpaid:
        raise Conflict("order_not_invoiceable", "以下订单未支付、已全额退款或是充值订单，不能开票："
                       + "、".join(unpaid))
    amount = sum(o["total_fen"] - o["refunded_fen"] for o in order_rows)
    now = uow.clock.now()
    try:
        with uow.session.begin_nested():
            invoice_id = uow.session.execute(insert(invoices).values(
                request_no=order_numbers.new_number("invoice", now.astimezone(SHANGHAI)),
                kind=data["kind"], title_type=data["title_type"], title=data["title"].strip(),
                tax_no=data.get("tax_no"), email=data.get("email"),
                address_phone=data.get("address_phone"), bank_account=data.get("bank_account"),
                amount_fen=amount, requested_by=requested_by, batch=batch, status="requested",
                created_at=now)).inserted_primary_key[0]
            uow.session.execute(insert(invoice_orders), [
                {"invoice_id": invoice_id, "order_id": o["id"], "live": True}
                for o in order_rows])
    except IntegrityError:
        raise Conflict("order_already_invoiced", "所选订单中有已申请发票的订单") from None
    row = uow.session.execute(select(invoices).where(invoices.c.id == invoice_id)
                              ).mappings().one()
    return view(row, _order_nos(uow, invoice_id))


def request(uow, actor, data):
    """A learner's request for their own paid orders."""
    user_id = require_learner(actor)
    numbers = sorted(set(data["order_nos"]))
    rows = uow.session.execute(select(orders).where(
        orders.c.order_no.in_(numbers), orders.c.user_id == user_id,
        orders.c.deleted.is_(False))).mappings().all()
    if len(rows) != len(numbers):
        raise NotFound("order_not_found", "订单不存在")
    return _create(uow, user_id, rows, data, batch=False)


def batch_request(uow, actor, data):
    """A company's request covering many learners' orders (entered by the operator)."""
    require_operator(actor)
    numbers = sorted(set(data["order_nos"]))
    rows = uow.session.execute(select(orders).where(orders.c.order_no.in_(numbers))
                               ).mappings().all()
    missing = sorted(set(numbers) - {r["order_no"] for r in rows})
    if missing:
        raise NotFound("order_not_found", "以下订单不存在：" + "、".join(missing))
    if data["title_type"] != "company":
        raise _invalid("title_type", "单位批量申请须开给单位")
    return _create(uow, actor["user_id"], rows, data, batch=True)


def mine(uow, actor):
    user_id = require_learner(actor)
    rows = uow.session.execute(select(invoices).where(invoices.c.requested_by == user_id)
                               .order_by(invoices.c.id.desc())).mappings().all()
    return {"items": [view(r, _order_nos(uow, r["id"])) for r in rows]}


def listing(uow, actor, query):
    require_operator(actor)
    page = page_request(query)
    rows = select(invoices)
    if query.get("status"):
        rows = rows.where(invoices.c.status == query["status"])
    answer = paged(uow.session, rows.order_by(invoices.c.id.desc()), page)
    answer["items"] = [view(r, _order_nos(uow, r["id"])) for r in answer["items"]]
    return answer


def _by_number(uow, request_no, lock=False):
    query = select(invoices).where(invoices.c.request_no == str(request_no)[:40])
    row = uow.session.execute(query.with_for_update() if lock else query).mappings().first()
    if row is None:
        raise NotFound("invoice_not_found", "发票申请不存在")
    return row


def check_pdf(data):
    if not data or len(data) > MAX_PDF_BYTES or not data.startswith(b"%PDF-"):
        raise _invalid("file", "电子发票须为不超过5MB的PDF文件")
    try:
        if len(PdfReader(io.BytesIO(data), strict=False).pages) < 1:
            raise _invalid("file", "电子发票PDF没有页面")
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError):
        raise _invalid("file", "电子发票PDF已损坏，无法打开") from None


def issue(uow, actor, storage, request_no, invoice_no, upload_key):
    """开具: the invoice number and the electronic invoice (an uploaded PDF, checked)."""
    require_operator(actor)
    row = _by_number(uow, request_no, lock=True)
    if row["status"] != "requested":
        raise Conflict("invoice_decided", f"该发票申请{STATUS_LABELS[row['status']]}")
    with storage.open(upload_key) as fh:
        data = fh.read(MAX_PDF_BYTES + 1)
    check_pdf(data)
    key = f"billing/invoices/{row['request_no']}.pdf"
    storage.put(key, data)
    storage.delete(upload_key)
    uow.session.execute(update(invoices).where(invoices.c.id == row["id"]).values(
        status="issued", invoice_no=invoice_no, file_key=key, decided_at=uow.clock.now()))
    return view(_by_number(uow, request_no), _order_nos(uow, row["id"]))


def reject(uow, actor, request_no, reason):
    require_operator(actor)
    row = _by_number(uow, request_no, lock=True)
    if row["status"] != "requested":
        raise Conflict("invoice_decided", f"该发票申请{STATUS_LABELS[row['status']]}")
    uow.session.execute(update(invoices).where(invoices.c.id == row["id"]).values(
        status="rejected", reject_reason=reason, decided_at=uow.clock.now()))
    uow.session.execute(update(invoice_orders).where(invoice_orders.c.invoice_id == row["id"])
                        .values(live=False))
    return view(_by_number(uow, request_no), _order_nos(uow, row["id"]))


def download_link(uow, actor, storage, request_no):
    row = _by_number(uow, request_no)
    if actor.get("role") != "operator" and row["requested_by"] != require_learner(actor):
        raise NotFound("invoice_not_found", "发票申请不存在")
    if row["status"] != "issued":
        raise Conflict("invoice_not_issued", "发票尚未开具")
    return {"url": storage.signed_link(row["file_key"], 300)
            + f"&name=电子发票_{row['invoice_no']}.pdf"}
