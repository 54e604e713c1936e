"""Each request contract is defined once, in the owning service's contracts module, and
checked on both sides: by the gateway (an early 422, before any RPC) and by the service
(the authority). Contracts import no framework."""
import importlib
import inspect
import pkgutil
import subprocess
import sys

import pytest

import gateway.routes
from gateway.app import create_app
from services.common.errors import InvalidInput
from services.common.schema import Schema
from services.identity import contracts as identity_contracts
from services.orgtree import contracts as orgtree_contracts
from services.orgtree import registrations


class NoRpc:
    """Any RPC fails the test: the gateway must refuse the request by itself."""
    config = {"AMQP_URI": "amqp://unused/"}

    def __getattr__(self, name):
        raise AssertionError(f"the gateway called {name} with a request it should refuse")


def schemas_defined_in(module):
    return {name: cls for name, cls in inspect.getmembers(module, inspect.isclass)
            if issubclass(cls, Schema) and cls.__module__ == module.__name__}


def gateway_schemas():
    found = {}
    for info in pkgutil.walk_packages(gateway.routes.__path__, "gateway.routes."):
        found |= schemas_defined_in(importlib.import_module(info.name))
    return found


CONTRACTS = schemas_defined_in(identity_contracts) | schemas_defined_in(orgtree_contracts)


def test_contract_modules_import_no_framework():
    code = ("import sys, services.identity.contracts, services.orgtree.contracts; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'sqlalchemy', 'flask', 'flask_smorest', 'webargs', 'eventlet', 'kombu', "
            "'argon2', 'alembic'}))")
    out = subprocess.run([sys.executable, "-W", "ignore", "-c", code], capture_output=True,
                         text=True, check=True).stdout.strip()
    assert out == "[]"


def test_no_gateway_schema_repeats_a_contract():
    """Not by name, and not under another name with the same fields."""
    contract_fields = {frozenset(cls._declared_fields): name for name, cls in CONTRACTS.items()}
    for name, cls in gateway_schemas().items():
        assert name not in CONTRACTS, f"{name} is defined in the gateway and in a contract"
        same = contract_fields.get(frozenset(cls._declared_fields))
        assert same is None or issubclass(cls, CONTRACTS[same]), (
            f"gateway schema {name} has the fields of the contract {same}")


@pytest.mark.parametrize("path,body,field", [
    ("/api/v1/auth/register", {"ethnicity": "火星族"}, "ethnicity"),
    ("/api/v1/orgs/registrations", {"applicant": {"existing": True, "id_number": "123",
                                                  "password": "x"}}, "applicant.id_number"),
    ("/api/v1/orgs/registrations", {"contact_phone": "电话"}, "contact_phone"),
    ("/api/v1/admin/admins", {"role_id": 1, "new_person": {
        "real_name": "张三", "id_number": "110101199003077777", "mobile": "12345"}},
     "new_person.mobile"),
    ("/api/v1/admin/roles", {"name": "审核员", "modules": ["root"]}, "modules"),
])
def test_the_gateway_refuses_what_the_contract_refuses_without_calling_the_service(
        path, body, field):
    response = create_app(NoRpc()).test_client().post(path, json=body)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"], response.json["errors"]
    assert all("\u4e00" <= m[0] <= "\u9fff" for m in response.json["errors"][field])


@pytest.mark.parametrize("path", ["/api/v1/admin/learners?sort=password_hash",
                                  "/api/v1/admin/org-registrations?status=deleted",
                                  "/api/v1/admin/subordinate-units?type=hr_bureau",
                                  "/api/v1/admin/org-change-reviews?kind=other",
                                  "/api/v1/admin/member-reviews?status=any"])
def test_the_gateway_checks_list_queries_by_the_contract(path):
    response = create_app(NoRpc()).test_client().get(path)
    assert response.status_code == 422, response.json


def test_the_service_still_checks_the_same_contract():
    with pytest.raises(InvalidInput) as err:
        registrations.check(None, None, {"type": "employer", "parent_id": 1, "name": "某单位",
                                         "address": "天津市", "contact_name": "张三",
                                         "contact_phone": "电话", "certificate_id": "k"})
    assert set(err.value.fields) == {"contact_phone"}
