"""Reading rendered Kubernetes manifests: objects by kind and name, our containers, their
environment, label selectors, who may connect to whom. Used by tests/unit/deploy_kubernetes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pydantic_settings import BaseSettings

from tests.support.kustomize import Resource
from tests.unit.test_compose import env_names

IMAGE = "digituki-crm"
SECRET = "digituki-secrets"


def of_kind(resources: list[Resource], kind: str) -> list[Resource]:
    return [r for r in resources if r["kind"] == kind]


def named(resources: list[Resource], kind: str, name: str) -> Resource:
    (found,) = [r for r in of_kind(resources, kind) if r["metadata"]["name"] == name]
    return found


def pod_spec(resource: Resource) -> dict[str, Any]:
    spec: dict[str, Any] = resource["spec"]["template"]["spec"]
    return spec


def ours(resources: list[Resource]) -> Iterator[tuple[Resource, str, str, dict[str, Any]]]:
    """(workload, service, role, container) for every container of our image."""
    for resource in resources:
        if resource["kind"] not in ("Deployment", "Job"):
            continue
        labels = resource["spec"]["template"]["metadata"]["labels"]
        for container in pod_spec(resource)["containers"]:
            if container["image"].split(":")[0].endswith(IMAGE):
                yield (
                    resource,
                    labels["app.kubernetes.io/name"],
                    labels["app.kubernetes.io/component"],
                    container,
                )


def container_env_names(container: dict[str, Any], resources: list[Resource]) -> set[str]:
    """Names set by `env` and by the keys of the ConfigMaps in `envFrom`."""
    names = {e["name"] for e in container.get("env", [])}
    for source in container.get("envFrom", []):
        ref = source["configMapRef"]["name"]  # (no envFrom secrets: their keys are unknown)
        names |= set(named(resources, "ConfigMap", ref)["data"])
    return names


_REFERENCE = re.compile(r"\$\((\w+)\)")


def unknown_env_names(
    resources: list[Resource], settings: dict[str, type[BaseSettings]]
) -> dict[str, set[str]]:
    """Per workload/container: names its service's settings do not read. A name only used
    to build another value (Kubernetes' `$(NAME)` in a later value) is not a setting."""
    unknown: dict[str, set[str]] = {}
    for workload, service, _, container in ours(resources):
        names = container_env_names(container, resources)
        helpers = {
            ref for e in container.get("env", []) for ref in _REFERENCE.findall(e.get("value", ""))
        }
        extra = names - helpers - env_names(settings[service])
        if extra:
            unknown[f"{workload['metadata']['name']}/{container['name']}"] = extra
    return unknown


def selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    """A label selector (matchLabels and Exists/In/NotIn/DoesNotExist expressions)."""
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr["key"], expr["operator"], expr.get("values", [])
        ok = {
            "Exists": key in labels,
            "DoesNotExist": key not in labels,
            "In": labels.get(key) in values,
            "NotIn": labels.get(key) not in values,
        }[op]
        if not ok:
            return False
    return True


def pod_labels(resources: list[Resource]) -> list[tuple[str, dict[str, str]]]:
    return [
        (r["metadata"]["name"], r["spec"]["template"]["metadata"]["labels"])
        for r in resources
        if r["kind"] in ("Deployment", "Job")
    ]


def ingress_sources(policies: list[Resource], labels: dict[str, str]) -> list[dict[str, Any]]:
    """Every `from` peer of every policy that selects pods with these labels; an empty peer
    list (anyone) is reported as {"anyone": True}."""
    peers: list[dict[str, Any]] = []
    for policy in policies:
        if not selects(policy["spec"]["podSelector"], labels):
            continue
        for rule in policy["spec"].get("ingress", []):
            peers.extend(rule.get("from") or [{"anyone": True}])
    return peers


def fake_secret(name: str, key: str, clusters: dict[str, str]) -> str:
    if name in clusters and key == "uri":  # CloudNativePG's app secret
        db = clusters[name]
        return f"postgresql://{db}:generated@{name.removesuffix('-app')}-rw.digituki:5432/{db}"
    assert name == SECRET, f"unknown secret {name}"
    return f"{key}-" + "x" * 40


def environment(
    container: dict[str, Any], resources: list[Resource], clusters: dict[str, str]
) -> dict[str, str]:
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        env.update(named(resources, "ConfigMap", source["configMapRef"]["name"])["data"])
    for item in container.get("env", []):
        if "value" in item:
            env[item["name"]] = item["value"]
        elif "configMapKeyRef" in item["valueFrom"]:
            ref = item["valueFrom"]["configMapKeyRef"]
            env[item["name"]] = named(resources, "ConfigMap", ref["name"])["data"][ref["key"]]
        else:
            ref = item["valueFrom"]["secretKeyRef"]
            env[item["name"]] = fake_secret(ref["name"], ref["key"], clusters)
    return env


def app_secrets(resources: list[Resource]) -> dict[str, str]:
    """`<cluster>-app` -> the database CloudNativePG creates in it."""
    return {
        f"{c['metadata']['name']}-app": c["spec"]["bootstrap"]["initdb"]["database"]
        for c in of_kind(resources, "Cluster")
    }
