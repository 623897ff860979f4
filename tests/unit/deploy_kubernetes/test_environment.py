"""Every environment name in the manifests is one its service's settings read, every reference
(config maps, secrets) names something that exists, and the settings load from it, as
tests/unit/test_compose.py checks docker-compose.yml."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.kustomize import Resource, render
from tests.support.manifests import (
    SECRET,
    app_secrets,
    environment,
    named,
    of_kind,
    ours,
    pod_spec,
    unknown_env_names,
)
from tests.unit.deploy_kubernetes.conftest import BASE, REPO
from tests.unit.test_compose import SETTINGS, env_names

DOCS = REPO / "docs" / "kubernetes.md"
WEB_PORTS = {"contacts": 8101, "newsletter": 8102, "surveys": 8103, "events": 8104}


def test_every_env_name_of_our_containers_is_read_by_its_settings(
    rendered: list[Resource],
) -> None:
    assert unknown_env_names(rendered, SETTINGS) == {}


def test_unknown_env_names_are_caught() -> None:
    resources = render(BASE)
    web = named(resources, "Deployment", "contacts-web")
    env = pod_spec(web)["containers"][0]["env"]
    env.append({"name": "CONTACTS_WEBPORT", "value": "1"})  # typo
    env.append({"name": "DB_PASSWORD", "value": "x"})  # a helper...
    env.append({"name": "DB_USER", "value": "x"})  # ...and one that is used
    env.append({"name": "CONTACTS_OIDC_ISSUER", "value": "https://$(DB_USER)"})
    named(resources, "ConfigMap", "surveys-config")["data"]["SURVEY_SECRET_KEY"] = "y"
    assert unknown_env_names(resources, SETTINGS) == {
        "contacts-web/web": {"CONTACTS_WEBPORT", "DB_PASSWORD"},
        "surveys-web/web": {"SURVEY_SECRET_KEY"},
        "surveys-worker/worker": {"SURVEY_SECRET_KEY"},
        "surveys-migrate/migrate": {"SURVEY_SECRET_KEY"},
    }


def test_settings_load_from_every_containers_environment(
    rendered: list[Resource], monkeypatch: pytest.MonkeyPatch
) -> None:
    clusters = app_secrets(rendered)
    kafka = of_kind(rendered, "Kafka")[0]
    (listener,) = kafka["spec"]["kafka"]["listeners"]
    bootstrap = f"{kafka['metadata']['name']}-kafka-bootstrap:{listener['port']}"
    for _, service, role, container in ours(rendered):
        settings_class = SETTINGS[service]
        for name in env_names(settings_class):
            monkeypatch.delenv(name, raising=False)
        for name, value in environment(container, rendered, clusters).items():
            monkeypatch.setenv(name, value)
        settings: Any = settings_class()
        assert settings.environment == "production"
        assert settings.kafka_bootstrap_servers == bootstrap
        assert settings.database_url.startswith("postgresql+asyncpg://")
        assert settings.database_url.endswith(f"@{service}-db-rw.digituki:5432/{service}")
        assert settings.link_secret.startswith("link-secret-")
        assert settings.proxy_secret.startswith("proxy-secret-")
        assert settings.secret_key.startswith(f"{service}-secret-key-")
        if role == "web":
            assert settings.web_host == "0.0.0.0"
            ports = {p["name"]: p["containerPort"] for p in container["ports"]}
            assert settings.web_port == ports["http"] == WEB_PORTS[service]


def test_every_reference_names_something_that_exists(rendered: list[Resource]) -> None:
    config_maps = {r["metadata"]["name"] for r in of_kind(rendered, "ConfigMap")}
    secrets = set(app_secrets(rendered)) | {SECRET}
    for workload, service, _, container in ours(rendered):
        for source in container.get("envFrom", []):
            assert set(source) == {"configMapRef"}
            assert source["configMapRef"]["name"] in config_maps
        for item in container.get("env", []):
            ref = item.get("valueFrom", {})
            if "secretKeyRef" in ref:
                assert ref["secretKeyRef"]["name"] in secrets, workload["metadata"]["name"]
                if ref["secretKeyRef"]["name"] != SECRET:
                    assert ref["secretKeyRef"]["name"] == f"{service}-db-app"
            if "configMapKeyRef" in ref:
                assert ref["configMapKeyRef"]["name"] in config_maps


def test_the_secrets_to_create_are_documented(rendered: list[Resource]) -> None:
    keys = {
        item["valueFrom"]["secretKeyRef"]["key"]
        for _, _, _, container in ours(rendered)
        for item in container.get("env", [])
        if item.get("valueFrom", {}).get("secretKeyRef", {}).get("name") == SECRET
    }
    assert keys == {"link-secret", "proxy-secret", *(f"{s}-secret-key" for s in SETTINGS)}
    docs = DOCS.read_text()
    assert SECRET in docs
    assert [k for k in sorted(keys) if f"--from-literal={k}=" not in docs] == []
