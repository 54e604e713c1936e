"""Every kustomize overlay renders, and each service lands with what ops need to run it:
a Deployment, its migration Job, an autoscaler and its network policy; the event topology
is declared by a Job of its own that may reach the broker. The playback-token secret is
shared by the gateway and learning, and learning's certificate signing key is a
read-only file. billing's Alipay keys are read-only files too, it alone may call out to
HTTPS, and it builds Alipay's notify_url from the same public address as learning's
certificates."""
import functools
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
SERVICES = ("identity", "orgtree", "learning", "billing", "exam", "reporting")
# The dev overlay runs one replica of everything without autoscalers (no metrics-server).
WITHOUT_AUTOSCALING = {"overlays/dev"}


def render(overlay):
    return [doc for doc in yaml.safe_load_all(_kustomize(str(overlay))) if doc]


@functools.cache
def _kustomize(overlay):
    out = subprocess.run(["kubectl", "kustomize", overlay], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


OVERLAYS = ["base"] + sorted(
    f"overlays/{p.name}" for p in (K8S / "overlays").iterdir() if p.is_dir())
needs_kubectl = pytest.mark.skipif(shutil.which("kubectl") is None,
                                   reason="kubectl is not installed")


@needs_kubectl
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay_renders_with_every_service_complete(overlay):
    docs = render(K8S / overlay)
    names = {(d["kind"], d["metadata"]["name"]) for d in docs}
    for service in SERVICES:
        assert ("Deployment", service) in names
        assert ("Job", f"{service}-migrate") in names
        if overlay not in WITHOUT_AUTOSCALING:
            assert ("HorizontalPodAutoscaler", service) in names
        assert ("NetworkPolicy", f"{service}-db-egress") in names
    assert ("Job", "event-topology") in names
    broker = next(d for d in docs if d["metadata"]["name"] == "rabbitmq-egress")
    allowed = broker["spec"]["podSelector"]["matchExpressions"][0]["values"]
    assert "event-topology" in allowed
    for service in SERVICES:
        labels = deployment(docs, service)["spec"]["template"]["metadata"]["labels"]
        assert labels["app.kubernetes.io/component"] in allowed
    topology = next(d for d in docs if (d["kind"], d["metadata"]["name"])
                    == ("Job", "event-topology"))
    command = topology["spec"]["template"]["spec"]["containers"][0]["command"]
    assert set(SERVICES) <= set(command[command.index("services.common.topology") + 1:])


def deployment(docs, name):
    return next(d for d in docs if (d["kind"], d["metadata"]["name"]) == ("Deployment", name))


def container(docs, name):
    (only,) = deployment(docs, name)["spec"]["template"]["spec"]["containers"]
    return only


def env_from_secret(container, variable):
    """(secret name, key) behind `variable`, or None when it is not set from a Secret."""
    for entry in container.get("env", []):
        if entry["name"] == variable:
            ref = entry.get("valueFrom", {}).get("secretKeyRef")
            return (ref["name"], ref["key"]) if ref else None
    return None


@needs_kubectl
@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("name", ["gateway", "learning"])
def test_gateway_and_learning_share_the_playback_token_secret(overlay, name):
    docs = render(K8S / overlay)
    assert env_from_secret(container(docs, name), "PLAYBACK_TOKEN_SECRET") == (
        "playback-token", "secret")


@needs_kubectl
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_learning_mounts_the_certificate_signing_secret_read_only(overlay):
    docs = render(K8S / overlay)
    spec = deployment(docs, "learning")["spec"]["template"]["spec"]
    volumes = [v for v in spec["volumes"]
               if v.get("secret", {}).get("secretName") == "certificate-signing"]
    assert len(volumes) == 1
    assert not volumes[0]["secret"].get("optional", False)
    (main,) = spec["containers"]
    mounts = [m for m in main["volumeMounts"] if m["name"] == volumes[0]["name"]]
    assert mounts == [{"name": volumes[0]["name"], "readOnly": True,
                       "mountPath": "/app/secrets/certificate-signing"}]
    env = {e["name"]: e.get("value") for e in main["env"]}
    assert env["CERT_SIGNING_KEY_FILE"] == "/app/secrets/certificate-signing/key.pem"
    assert env["CERT_SIGNING_CERT_FILE"] == "/app/secrets/certificate-signing/cert.pem"


def config_maps_of(docs, container):
    """The data of each ConfigMap `container` takes its environment from, in order."""
    maps = {d["metadata"]["name"]: d.get("data", {}) for d in docs if d["kind"] == "ConfigMap"}
    return [maps[source["configMapRef"]["name"]] for source in container.get("envFrom", [])
            if "configMapRef" in source]


def env_value(docs, container, variable):
    """What `variable` is in `container`: an explicit env entry wins over envFrom, and a
    later envFrom source over an earlier one."""
    for entry in container.get("env", []):
        if entry["name"] == variable:
            return entry.get("value")
    value = None
    for data in config_maps_of(docs, container):
        value = data.get(variable, value)
    return value


@needs_kubectl
@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("service", SERVICES)
def test_each_service_runs_like_the_others(overlay, service):
    docs = render(K8S / overlay)
    names = {(d["kind"], d["metadata"]["name"]) for d in docs}
    assert ("PodDisruptionBudget", service) in names
    main = container(docs, service)
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert main[probe]["exec"]["command"] == [
            "python", "-m", "services.common.probe", service]
    database = (f"{service}-database", "url")
    assert env_from_secret(main, f"{service.upper()}_DATABASE_URL") == database
    job = next(d for d in docs if (d["kind"], d["metadata"]["name"])
               == ("Job", f"{service}-migrate"))
    (migrate,) = job["spec"]["template"]["spec"]["containers"]
    assert migrate["command"] == ["python", "-m", "services.common.migrations", service]
    assert env_from_secret(migrate, f"{service.upper()}_DATABASE_URL") == database
    assert job["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/component"] \
        == "migration"


@needs_kubectl
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_gateway_knows_every_service_and_alone_takes_traffic(overlay):
    docs = render(K8S / overlay)
    listed = env_value(docs, container(docs, "gateway"), "GATEWAY_SERVICES").split(",")
    assert set(SERVICES) <= {name.strip() for name in listed}
    for policy in (d for d in docs if d["kind"] == "NetworkPolicy"):
        if policy["spec"].get("ingress"):
            assert policy["spec"]["podSelector"]["matchLabels"] == {
                "app.kubernetes.io/name": "gateway",
                "app.kubernetes.io/component": "http-gateway"}


@needs_kubectl
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_billing_mounts_the_payment_keys_read_only(overlay):
    """Alipay's and UnionPay's key and certificate files come from their Secrets, mounted
    read-only, and billing's settings point at them."""
    docs = render(K8S / overlay)
    spec = deployment(docs, "billing")["spec"]["template"]["spec"]
    (main,) = spec["containers"]
    env = {e["name"]: e.get("value") for e in main["env"]}
    for secret, path, files, settings in (
            ("alipay-keys", "/etc/cpe/alipay", {"merchant_private.pem", "alipay_public.pem"},
             {"ALIPAY_PRIVATE_KEY_FILE": "merchant_private.pem",
              "ALIPAY_PUBLIC_KEY_FILE": "alipay_public.pem"}),
            ("unionpay-keys", "/etc/cpe/unionpay",
             {"merchant_private.pem", "merchant_cert.pem", "root.pem", "middle.pem"},
             {"UNIONPAY_PRIVATE_KEY_FILE": "merchant_private.pem",
              "UNIONPAY_MERCHANT_CERT_FILE": "merchant_cert.pem",
              "UNIONPAY_ROOT_CERT_FILE": "root.pem", "UNIONPAY_MIDDLE_CERT_FILE": "middle.pem"})):
        volumes = [v for v in spec["volumes"]
                   if v.get("secret", {}).get("secretName") == secret]
        assert len(volumes) == 1, secret
        assert not volumes[0]["secret"].get("optional", False)
        assert {i["key"] for i in volumes[0]["secret"]["items"]} == files
        mounts = [m for m in main["volumeMounts"] if m["name"] == volumes[0]["name"]]
        assert mounts == [{"name": volumes[0]["name"], "readOnly": True, "mountPath": path}]
        for variable, name in settings.items():
            assert env[variable] == f"{path}/{name}"


@needs_kubectl
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_only_billings_service_pods_may_call_out_over_https(overlay):
    docs = render(K8S / overlay)
    outside = [d for d in docs if d["kind"] == "NetworkPolicy" and any(
        "ipBlock" in peer for rule in d["spec"].get("egress", []) for peer in rule["to"])]
    assert [d["metadata"]["name"] for d in outside] == ["billing-alipay-egress"]
    (policy,) = outside
    # The service, not billing-migrate (component migration).
    assert policy["spec"]["podSelector"]["matchLabels"] == {
        "app.kubernetes.io/name": "billing", "app.kubernetes.io/component": "rpc-service"}
    for rule in policy["spec"]["egress"]:
        assert rule["ports"] == [{"protocol": "TCP", "port": 443}]


@needs_kubectl
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_billing_and_learning_share_the_public_base_url(overlay):
    docs = render(K8S / overlay)
    billing, learning = container(docs, "billing"), container(docs, "learning")
    public = env_value(docs, billing, "PUBLIC_BASE_URL")
    assert public.startswith("https://")
    assert env_value(docs, learning, "PUBLIC_BASE_URL") == public
    assert env_value(docs, billing, "ALIPAY_GATEWAY") == "https://openapi.alipay.com/gateway.do"
    assert env_value(docs, billing, "ORDER_TIMEOUT_MINUTES") == "30"
    for variable in ("BILLING_MAX_WORKERS", "SERVICE_RPC_TIMEOUT", "ALIPAY_APP_ID",
                     "ALIPAY_SELLER_ID", "UNIONPAY_GATEWAY", "UNIONPAY_BACK_GATEWAY",
                     "UNIONPAY_MER_ID"):
        # Empty would mean the code's development default (the sandbox's ids).
        assert env_value(docs, billing, variable)
