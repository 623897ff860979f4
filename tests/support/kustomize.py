"""A small kustomize, for rendering deploy/kubernetes without a kustomize binary.

It implements what our kustomizations use, as kustomize v5 does it: `resources` (files and
folders with their own kustomization.yaml), `namespace`, `images`, and `patches` given by
`path` or inline `patch`, either strategic-merge (a partial object; lists of named items
merged by name) or JSON 6902 (a list of operations) selected by `target` (group, version,
kind, name, labelSelector with `key=value` terms). Anything else in a kustomization is
refused, so a new feature cannot be silently ignored. Where `kubectl` is installed, the
test compares this output with `kubectl kustomize`.
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

import yaml

Resource = dict[str, Any]

SUPPORTED = {"apiVersion", "kind", "resources", "namespace", "images", "patches"}
# Kinds without a namespace (those our manifests use or could plausibly add).
CLUSTER_SCOPED = {
    "Namespace",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "PriorityClass",
    "StorageClass",
    "PersistentVolume",
}
POD_SPEC_PATHS = (("spec", "template", "spec"), ("spec", "jobTemplate", "spec", "template", "spec"))


class KustomizeError(ValueError):
    pass


def load_documents(path: Path) -> list[Resource]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def render(folder: Path) -> list[Resource]:
    """The resources the kustomization in `folder` produces (a copy of its own each call:
    tests change what they get; the folders do not change within a run)."""
    return copy.deepcopy(_rendered(folder.resolve()))


@cache
def _rendered(folder: Path) -> list[Resource]:
    spec = yaml.safe_load((folder / "kustomization.yaml").read_text())
    unknown = set(spec) - SUPPORTED
    if unknown:
        raise KustomizeError(f"{folder}: unsupported kustomization fields {sorted(unknown)}")
    resources: list[Resource] = []
    for entry in spec.get("resources", []):
        path = (folder / entry).resolve()
        resources.extend(render(path) if path.is_dir() else load_documents(path))
    for patch in spec.get("patches", []):
        apply_patch(resources, folder, patch)
    if "namespace" in spec:
        for resource in resources:
            if resource["kind"] not in CLUSTER_SCOPED:
                resource.setdefault("metadata", {})["namespace"] = spec["namespace"]
    for image in spec.get("images", []):
        set_image(resources, image)
    seen: set[tuple[str, str, str | None]] = set()
    for resource in resources:
        key = identity(resource)
        if key in seen:
            raise KustomizeError(f"{folder}: {key} is defined twice")
        seen.add(key)
    return resources


def identity(resource: Resource) -> tuple[str, str, str | None]:
    meta = resource.get("metadata", {})
    return (resource["kind"], meta["name"], meta.get("namespace"))


# ---- images ----------------------------------------------------------------------------------


def _split_image(image: str) -> tuple[str, str | None]:
    if "@" in image:
        return image.split("@", 1)[0], None
    name, _, tag = image.rpartition(":")
    if name and "/" not in tag:
        return name, tag
    return image, None


def set_image(resources: list[Resource], rule: dict[str, Any]) -> None:
    for resource in resources:
        for containers in _container_lists(resource):
            for container in containers:
                name, tag = _split_image(container.get("image", ""))
                if name != rule["name"]:
                    continue
                new_name = rule.get("newName", name)
                if "digest" in rule:
                    container["image"] = f"{new_name}@{rule['digest']}"
                else:
                    new_tag = rule.get("newTag", tag)
                    container["image"] = f"{new_name}:{new_tag}" if new_tag else new_name


def _container_lists(resource: Resource) -> list[list[dict[str, Any]]]:
    found = []
    for path in POD_SPEC_PATHS:
        node: Any = resource
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict):
            found.extend(node[k] for k in ("containers", "initContainers") if k in node)
    return found


# ---- patches ---------------------------------------------------------------------------------


def apply_patch(resources: list[Resource], folder: Path, patch: dict[str, Any]) -> None:
    if "path" in patch:
        documents = load_documents(folder / patch["path"])
    else:
        documents = [yaml.safe_load(patch["patch"])]
    target = patch.get("target")
    for document in documents:
        if isinstance(document, list):  # JSON 6902
            if target is None:
                raise KustomizeError("a JSON 6902 patch needs a target")
            matched = [r for r in resources if matches(r, target)]
            if not matched:
                raise KustomizeError(f"patch target {target} matches nothing")
            for resource in matched:
                for op in document:
                    json6902(resource, op)
            continue
        selected = (
            [r for r in resources if matches(r, target)]
            if target
            else [r for r in resources if same_object(r, document)]
        )
        if not selected:
            raise KustomizeError(f"patch {document.get('kind')}/{_name(document)} matches nothing")
        for resource in selected:
            strategic_merge(resource, document)


def _name(resource: Resource) -> str:
    return str(resource.get("metadata", {}).get("name"))


def same_object(resource: Resource, patch: Resource) -> bool:
    return (
        resource["kind"] == patch.get("kind")
        and _name(resource) == _name(patch)
        and resource["apiVersion"].split("/")[0] == patch.get("apiVersion", "").split("/")[0]
    )


def matches(resource: Resource, target: dict[str, Any]) -> bool:
    group, _, version = resource["apiVersion"].rpartition("/")
    checks = {
        "group": group,
        "version": version,
        "kind": resource["kind"],
        "name": _name(resource),
    }
    for key, actual in checks.items():
        if key in target and target[key] != actual:
            return False
    labels = resource.get("metadata", {}).get("labels") or {}
    for term in filter(None, (target.get("labelSelector") or "").split(",")):
        key, _, value = term.partition("=")
        if labels.get(key.strip()) != value.strip():
            return False
    unknown = set(target) - {*checks, "labelSelector"}
    if unknown:
        raise KustomizeError(f"unsupported target fields {sorted(unknown)}")
    return True


def strategic_merge(base: Any, patch: Any) -> Any:
    """Maps merge key by key (null deletes); lists of maps with a `name` merge by name;
    any other list is replaced."""
    if isinstance(base, dict) and isinstance(patch, dict):
        for key, value in patch.items():
            if value is None:
                base.pop(key, None)
            elif key in base:
                base[key] = strategic_merge(base[key], value)
            else:
                base[key] = copy.deepcopy(value)
        return base
    if isinstance(base, list) and isinstance(patch, list) and _named(base) and _named(patch):
        by_name = {item["name"]: item for item in base}
        for item in patch:
            if item["name"] in by_name:
                strategic_merge(by_name[item["name"]], item)
            else:
                base.append(copy.deepcopy(item))
        return base
    return copy.deepcopy(patch)


def _named(items: list[Any]) -> bool:
    return all(isinstance(i, dict) and "name" in i for i in items)


def _pointer(path: str) -> list[str]:
    if not path.startswith("/"):
        raise KustomizeError(f"not a JSON pointer: {path}")
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def json6902(resource: Resource, op: dict[str, Any]) -> None:
    *parents, last = _pointer(op["path"])
    node: Any = resource
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    kind = op["op"]
    if kind == "test":
        current = node[int(last)] if isinstance(node, list) else node.get(last)
        if current != op["value"]:
            raise KustomizeError(f"test failed at {op['path']}")
        return
    if isinstance(node, list):
        index = len(node) if last == "-" else int(last)
        if kind == "add":
            node.insert(index, copy.deepcopy(op["value"]))
        elif kind == "replace":
            node[index] = copy.deepcopy(op["value"])
        elif kind == "remove":
            del node[index]
        else:
            raise KustomizeError(f"unsupported op {kind}")
        return
    if kind in ("replace", "remove") and last not in node:
        raise KustomizeError(f"{kind}: nothing at {op['path']}")
    if kind in ("add", "replace"):
        node[last] = copy.deepcopy(op["value"])
    elif kind == "remove":
        del node[last]
    else:
        raise KustomizeError(f"unsupported op {kind}")
