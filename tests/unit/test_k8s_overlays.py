"""Every kustomize overlay renders, and each service lands with what ops need to run it:
a Deployment, its migration Job, an autoscaler and its network policy; the event topology
is declared by a Job of its own that may reach the broker."""
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
SERVICES = ("identity", "orgtree")
# The dev overlay runs one replica of everything without autoscalers (no metrics-server).
WITHOUT_AUTOSCALING = {"overlays/dev"}


def render(overlay):
    out = subprocess.run(["kubectl", "kustomize", str(overlay)], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return [doc for doc in yaml.safe_load_all(out.stdout) if doc]


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
@pytest.mark.parametrize("overlay", ["base"] + sorted(
    f"overlays/{p.name}" for p in (K8S / "overlays").iterdir() if p.is_dir()))
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
