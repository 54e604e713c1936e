"""One pager for every list: the page asked for is checked the same way everywhere, the
page is cut in SQL, and every list answers {items, total, page, page_size}."""
import pytest
import sqlalchemy as sa

from gateway.app import create_app
from services.common.errors import InvalidInput
from services.common.paging import Page, page_request, paged

metadata = sa.MetaData()
things = sa.Table("things", metadata, sa.Column("id", sa.Integer, primary_key=True),
                  sa.Column("name", sa.String))


@pytest.fixture
def session():
    engine = sa.create_engine("sqlite://")
    metadata.create_all(engine)
    with sa.orm.Session(engine) as session:
        session.execute(sa.insert(things), [{"id": i, "name": f"n{i}"} for i in range(1, 26)])
        yield session


def test_a_page_request_defaults_and_refuses_what_is_out_of_range():
    assert page_request({}) == Page(1, 20)
    assert page_request({"page": None, "page_size": None}, default_size=50) == Page(1, 50)
    assert page_request({"page": 3, "page_size": 10}).offset == 20
    for asked, field in (({"page": 0}, "page"), ({"page_size": 101}, "page_size"),
                         ({"page_size": 0}, "page_size"), ({"page": "x"}, "page")):
        with pytest.raises(InvalidInput) as err:
            page_request(asked)
        assert set(err.value.fields) == {field}
        assert all("\u4e00" <= m[0] <= "\u9fff" for m in err.value.fields[field])


def test_paged_cuts_the_page_in_sql_and_counts_all(session):
    rows = sa.select(things).where(things.c.id > 5).order_by(things.c.id.desc())
    answer = paged(session, rows, Page(2, 7), lambda r: r["name"])
    assert answer == {"items": [f"n{i}" for i in range(18, 11, -1)], "total": 20,
                      "page": 2, "page_size": 7}
    last = paged(session, rows, Page(3, 7))
    assert [r["id"] for r in last["items"]] == [11, 10, 9, 8, 7, 6]


def test_a_capped_count_says_whether_it_is_exact(session):
    rows = sa.select(things).order_by(things.c.id)
    assert paged(session, rows, Page(1, 5), count_limit=10) | {"items": None} == {
        "items": None, "total": 10, "total_exact": False, "page": 1, "page_size": 5}
    assert paged(session, rows, Page(1, 5), count_limit=25)["total_exact"] is True


class NoRpc:
    config = {"AMQP_URI": "amqp://unused/"}

    def __getattr__(self, name):
        raise AssertionError("the gateway should refuse this page by itself")


@pytest.mark.parametrize("path", [
    "/api/v1/admin/transfers?direction=in&page=0",
    "/api/v1/admin/audit-log?page_size=101",
    "/api/v1/admin/member-reviews?page=0",
    "/api/v1/admin/org/changes?page_size=0",
    "/api/v1/admin/learners?page_size=500",
])
def test_the_gateway_refuses_a_page_out_of_range(path):
    response = create_app(NoRpc()).test_client().get(path)
    assert response.status_code == 422, response.json
