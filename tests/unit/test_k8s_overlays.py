"""Every kustomize overlay renders, and each service lands with what ops need to run it:
a Deployment, its migration Job, an autoscaler and its network policy; the event topology
is declared by a Job of its own that may reach the broker. The playback-token secret is
shared by the gateway and learning, and learning's certificate signing key is a
read-only file."""
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
SERVICES = ("identity", "orgtree", "learning")
# The dev overlay runs one replica of everything without autoscalers (no metrics-server).
WITHOUT_AUTOSCALING = {"overlays/dev"}


def render(overlay):
    out = subprocess.run(["kubectl", "kustomize", str(overlay)], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return [doc for doc in yaml.safe_load_all(out.stdout) if doc]


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
