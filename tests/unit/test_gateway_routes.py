"""Where the gateway's routes are and that none goes missing: the OpenAPI document lists
exactly the committed operations (the web client and the tests call these URLs), every
route module calls only the service of its context, and endpoints named elsewhere exist."""
import re
from pathlib import Path

from gateway.app import UPLOAD_LIMITS, create_app
from gateway.auth import PASSWORD_CHANGE_ROUTES
from gateway.routes import BLUEPRINTS

OPERATIONS = Path(__file__).with_name("gateway_operations.txt")
ROUTES = Path(__file__).resolve().parents[2] / "gateway" / "routes"


class NoRpc:
    config = {"AMQP_URI": "amqp://unused/"}

    def __getattr__(self, name):
        raise AssertionError("no RPC expected")


def operations(spec):
    return {f"{method.upper()} {path}" for path, item in spec["paths"].items()
            for method in item if method in ("get", "post", "put", "patch", "delete")}


def test_openapi_lists_exactly_the_committed_operations():
    spec = create_app(NoRpc()).test_client().get("/api/v1/openapi.json").json
    committed = set(OPERATIONS.read_text(encoding="utf-8").split("\n")) - {""}
    listed = operations(spec)
    assert not committed - listed, f"routes gone from the API: {sorted(committed - listed)}"
    assert not listed - committed, (f"new routes: add them to {OPERATIONS.name}: "
                                    f"{sorted(listed - committed)}")


def test_each_route_module_stays_within_its_context():
    """A route sits with the service that answers it, and shapes shared between contexts
    come from services.common.contracts, not from another context's routes."""
    for module in ROUTES.glob("*/*/*.py"):
        context, source = module.parent.parent.name, module.read_text(encoding="utf-8")
        called = set(re.findall(r"rpc_pool\(\)\.(\w+)\.", source))
        assert called <= {context}, f"{module.relative_to(ROUTES)} calls {called - {context}}"
        borrowed = set(re.findall(r"from \.\.\.(\w+)", source)) - {context}
        assert not borrowed, f"{module.relative_to(ROUTES)} imports routes of {borrowed}"


def test_every_route_module_is_registered():
    modules = {f"{m.parent.parent.name}_{m.parent.name}" for m in ROUTES.glob("*/*/resources.py")}
    assert modules == {blp.name for blp in BLUEPRINTS}


def test_endpoints_named_in_the_gateway_exist():
    """Upload limits and the routes open while a password change is due name endpoints
    (blueprint.endpoint): a blueprint renamed without them would silently drop the rule."""
    endpoints = set(create_app(NoRpc()).view_functions)
    assert set(UPLOAD_LIMITS) <= endpoints
    assert PASSWORD_CHANGE_ROUTES <= endpoints
