"""deploy/kubernetes renders (as `kubectl kustomize` renders it, where kubectl exists) and every
object validates: core objects against the Kubernetes JSON schemas PyPI's `kubernetes-validate`
ships (strict: unknown fields fail), the Strimzi and CloudNativePG resources against
tests/support/operator_schemas.py."""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from tests.support.kustomize import Resource, identity, render
from tests.support.manifests import named, of_kind, ours
from tests.support.operator_schemas import SCHEMAS
from tests.unit.deploy_kubernetes.conftest import BASE, KUSTOMIZATIONS
from tests.unit.test_compose import SETTINGS

KUBERNETES_VERSION = "1.33"  # the oldest minor version the manifests must suit
ROLES = ("web", "worker", "migrate")


def test_both_kustomizations_render(rendered: list[Resource]) -> None:
    kinds = {r["kind"] for r in rendered}
    assert {
        "Deployment",
        "Job",
        "Service",
        "ConfigMap",
        "PodDisruptionBudget",
        "HorizontalPodAutoscaler",
        "NetworkPolicy",
        "Kafka",
        "KafkaNodePool",
        "KafkaTopic",
        "Cluster",
    } <= kinds
    for service in SETTINGS:
        for role in ROLES:
            kind = "Job" if role == "migrate" else "Deployment"
            named(rendered, kind, f"{service}-{role}")


@pytest.mark.parametrize("name", list(KUSTOMIZATIONS))
def test_the_renderer_agrees_with_kubectl_kustomize(name: str) -> None:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("no kubectl on this machine")
    run = subprocess.run(
        [kubectl, "kustomize", str(KUSTOMIZATIONS[name])],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    theirs = {identity(r): r for r in yaml.safe_load_all(run.stdout) if r}
    mine = {identity(r): r for r in render(KUSTOMIZATIONS[name])}
    assert mine == theirs


def test_the_production_overlay_puts_everything_in_its_namespace(
    production: list[Resource],
) -> None:
    namespace = named(production, "Namespace", "digituki")["metadata"]["name"]
    for resource in production:
        if resource["kind"] != "Namespace":
            assert resource["metadata"].get("namespace") == namespace, identity(resource)


def test_one_image_for_every_process(production: list[Resource]) -> None:
    images = {c["image"] for _, _, _, c in ours(production)}
    assert images == {"registry.digituki.fi/digituki-crm:1.0.0"}
    for _, service, role, container in ours(production):
        assert container["args"] == [f"{service}.main", role]
        assert "command" not in container  # the image's ENTRYPOINT is `python -m`


# ---- schemas -----------------------------------------------------------------------------------


def test_every_core_object_follows_the_kubernetes_schema(rendered: list[Resource]) -> None:
    """A kind without a schema raises SchemaNotFoundError here: nothing passes unchecked."""
    checked = 0
    for resource in rendered:
        if (resource["apiVersion"], resource["kind"]) in SCHEMAS:
            continue
        try:
            kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            path = ".".join(str(p) for p in error.path)
            pytest.fail(f"{identity(resource)}: {path}: {error.message}")
        checked += 1
    assert checked >= 20


def test_every_custom_resource_follows_its_operators_fields(rendered: list[Resource]) -> None:
    custom = [r for r in rendered if (r["apiVersion"], r["kind"]) in SCHEMAS]
    assert {r["kind"] for r in custom} == {"Kafka", "KafkaNodePool", "KafkaTopic", "Cluster"}
    for resource in custom:
        schema = SCHEMAS[(resource["apiVersion"], resource["kind"])]
        errors = list(jsonschema.Draft202012Validator(schema).iter_errors(resource))
        assert [f"{list(e.path)}: {e.message}" for e in errors] == [], identity(resource)


@pytest.mark.parametrize(
    ("kind", "path", "value"),
    [
        ("Deployment", ["spec", "template", "spec", "containers", 0, "imagePullPolicyy"], "x"),
        ("Deployment", ["spec", "replicas"], "two"),
        ("Kafka", ["spec", "kafka", "listners"], []),
        ("KafkaTopic", ["spec", "partitions"], 0),
        ("KafkaNodePool", ["spec", "roles"], ["leader"]),
        ("Cluster", ["spec", "postgresql", "parameters", "max_connections"], 300),
    ],
)
def test_the_validators_refuse_a_broken_object(kind: str, path: list[Any], value: Any) -> None:
    resource = of_kind(render(BASE), kind)[0]
    node = resource
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    if (resource["apiVersion"], kind) in SCHEMAS:
        schema = SCHEMAS[(resource["apiVersion"], kind)]
        assert list(jsonschema.Draft202012Validator(schema).iter_errors(resource))
    else:
        with pytest.raises(kubernetes_validate.ValidationError):
            kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)
