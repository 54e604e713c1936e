"""Invoices through the gateway: a learner asks for one for a paid order (the title's
rules checked: a company's tax number is a valid 统一社会信用代码, a VAT special invoice
carries every 附件4 field), an order is on one live request at most, the operator issues
it with the invoice number and the PDF, which the learner downloads; a company's batch
request covers several learners' orders, and rejecting it frees them."""
import io

import pytest
from fpdf import FPDF

from services.billing import balance
from tests.integration.test_billing_alipay import keys, world  # noqa: F401 — fixtures
from tests.learning_helpers import new_learner

pytestmark = pytest.mark.integration
TAX_NO = "91110000600037341L"


def paid_order(world, learner, user_id):  # noqa: F811
    client, plan, elective = world["client"], world["plan"], world["elective"]
    if learner != world["learner"]:
        assert client.post(f"/api/v1/me/plans/{plan['plan_id']}/activation",
                           headers=learner).status_code == 200
    with world["uow"]("billing")() as uow:
        balance.credit(uow, user_id, balance.GENERAL, 1000, "recharge", f"RC-{user_id}")
        uow.commit()
    order = client.post("/api/v1/me/orders", headers=learner, json={
        "plan_id": plan["plan_id"], "course_ids": [elective["course_id"]]}).json
    paid = client.post(f"/api/v1/me/orders/{order['order_no']}/payment", headers=learner,
                       json={"method": "balance"})
    assert paid.status_code == 200, paid.json
    return order["order_no"]


def pdf_bytes():
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="invoice 12345678")
    return bytes(pdf.output())


def test_an_invoice_is_requested_issued_and_downloaded(world):  # noqa: F811
    client, learner, operator = world["client"], world["learner"], world["operator"]
    order_no = paid_order(world, learner, world["user_id"])
    company = {"kind": "ordinary", "title_type": "company", "title": "天津市第一中心医院",
               "tax_no": TAX_NO, "email": "caiwu@example.cn", "order_nos": [order_no]}
    for changes, field in (({"tax_no": "91110000600037341X"}, "tax_no"),
                           ({"email": None}, "email"),
                           ({"kind": "special"}, "address_phone"),
                           ({"kind": "special", "title_type": "personal"}, "title_type")):
        refused = client.post("/api/v1/me/invoices", headers=learner, json={**company, **changes})
        assert (refused.status_code, refused.json["code"]) == (422, "invoice_invalid"), changes
        assert field in refused.json["errors"]
    made = client.post("/api/v1/me/invoices", headers=learner, json=company)
    assert made.status_code == 201, made.json
    assert (made.json["amount"], made.json["status_label"]) == ("10.00", "待开具")
    twice = client.post("/api/v1/me/invoices", headers=learner, json=company)
    assert (twice.status_code, twice.json["code"]) == (409, "order_already_invoiced")

    request_no = made.json["request_no"]
    issue = f"/api/v1/admin/invoices/{request_no}/issue"
    not_pdf = client.post(issue, headers=operator, content_type="multipart/form-data", data={
        "invoice_no": "12345678", "file": (io.BytesIO(b"GIF89a not a pdf"), "发票.pdf")})
    assert (not_pdf.status_code, not_pdf.json["code"]) == (422, "invoice_invalid")
    issued = client.post(issue, headers=operator, content_type="multipart/form-data", data={
        "invoice_no": "12345678", "file": (io.BytesIO(pdf_bytes()), "发票.pdf")})
    assert issued.status_code == 200, issued.json
    assert issued.json["status"] == "issued" and issued.json["invoice_no"] == "12345678"
    link = client.get(f"/api/v1/me/invoices/{request_no}/file", headers=learner)
    assert link.status_code == 200
    assert client.get(link.json["url"]).data.startswith(b"%PDF-")
    other, _ = new_learner(client, world["orgs"]["open"])
    foreign = client.get(f"/api/v1/me/invoices/{request_no}/file", headers=other)
    assert (foreign.status_code, foreign.json["code"]) == (404, "invoice_not_found")
    mine = client.get("/api/v1/me/invoices", headers=learner).json["items"]
    assert [i["request_no"] for i in mine] == [request_no]


def test_a_company_batch_request_covers_several_learners_and_a_rejection_frees_them(world):  # noqa: F811,E501
    client, operator = world["client"], world["operator"]
    first = paid_order(world, world["learner"], world["user_id"])
    other, other_id = new_learner(client, world["orgs"]["open"])
    second = paid_order(world, other, other_id)
    special = {"kind": "special", "title_type": "company", "title": "天津建工集团有限公司",
               "tax_no": TAX_NO, "address_phone": "天津市河西区 022-12345678",
               "bank_account": "中国银行天津分行 1234567890123", "order_nos": [first, second]}
    batch = client.post("/api/v1/admin/invoices", headers=operator, json=special)
    assert batch.status_code == 201, batch.json
    assert batch.json["batch"] is True and batch.json["amount_fen"] == 2000
    assert sorted(batch.json["order_nos"]) == sorted([first, second])
    listed = client.get("/api/v1/admin/invoices?status=requested", headers=operator).json
    assert batch.json["request_no"] in [i["request_no"] for i in listed["items"]]
    own = client.post("/api/v1/me/invoices", headers=world["learner"], json={
        **special, "order_nos": [first]})
    assert (own.status_code, own.json["code"]) == (409, "order_already_invoiced")
    rejected = client.post(f"/api/v1/admin/invoices/{batch.json['request_no']}/reject",
                           headers=operator, json={"reason": "开户行信息有误"})
    assert rejected.json["status"] == "rejected"
    again = client.post("/api/v1/me/invoices", headers=world["learner"], json={
        **special, "order_nos": [first]})
    assert again.status_code == 201, again.json
