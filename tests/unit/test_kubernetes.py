"""deploy/kubernetes rendered and checked offline, as tests/unit/test_compose.py checks compose.

Both kustomizations (the base and the production overlay) are rendered by
tests/support/kustomize.py (compared with `kubectl kustomize` where kubectl exists). Every
core object is validated against the Kubernetes JSON schemas that PyPI's
`kubernetes-validate` ships (strict: unknown fields fail); the Strimzi and CloudNativePG
resources against tests/support/operator_schemas.py. Then what ties the objects together:
environment names the settings read, secrets and config maps that exist, probes, budgets, the
autoscaler's cap, who may reach the web pods, the topics of shared/events/topics.py.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml
from pydantic_settings import BaseSettings

from shared.events.topics import KEYED_PARTITIONS, all_physical_topics
from tests.support.kustomize import Resource, identity, render
from tests.support.operator_schemas import SCHEMAS
from tests.unit.test_compose import SETTINGS, env_names

REPO = Path(__file__).resolve().parents[2]
KUBERNETES = REPO / "deploy" / "kubernetes"
BASE = KUBERNETES / "base"
PRODUCTION = KUBERNETES / "overlays" / "production"
DOCS = REPO / "docs" / "kubernetes.md"
KUBERNETES_VERSION = "1.33"  # the oldest minor version the manifests must suit
IMAGE = "digituki-crm"
ROLES = ("web", "worker", "migrate")
WEB_PORTS = {"contacts": 8101, "newsletter": 8102, "surveys": 8103}
SECRET = "digituki-secrets"

KUSTOMIZATIONS = {"base": BASE, "production": PRODUCTION}


@pytest.fixture(scope="module", params=list(KUSTOMIZATIONS))
def rendered(request: pytest.FixtureRequest) -> list[Resource]:
    return render(KUSTOMIZATIONS[request.param])


@pytest.fixture(scope="module")
def production() -> list[Resource]:
    return render(PRODUCTION)


# ---- helpers ----------------------------------------------------------------------------------


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


# ---- rendering ----------------------------------------------------------------------------------


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


# ---- environment ---------------------------------------------------------------------------------


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
    assert keys == {"link-secret", *(f"{s}-secret-key" for s in SETTINGS)}
    docs = DOCS.read_text()
    assert SECRET in docs
    assert [k for k in sorted(keys) if f"--from-literal={k}=" not in docs] == []


# ---- probes, budgets, scaling ------------------------------------------------------------------


def test_web_pods_have_probes_on_healthz_and_readyz(rendered: list[Resource]) -> None:
    for workload, _, role, container in ours(rendered):
        if role != "web":
            continue
        probes = {k: container[k]["httpGet"] for k in ("livenessProbe", "readinessProbe")}
        assert probes["livenessProbe"]["path"] == "/healthz", workload["metadata"]["name"]
        assert probes["readinessProbe"]["path"] == "/readyz", workload["metadata"]["name"]
        assert container["startupProbe"]["httpGet"]["path"] == "/healthz"
        names = {p["name"] for p in container["ports"]}
        assert {p["port"] for p in probes.values()} <= names


def test_every_web_worker_and_proxy_pod_has_a_disruption_budget(
    rendered: list[Resource],
) -> None:
    budgets = of_kind(rendered, "PodDisruptionBudget")
    for name, labels in pod_labels(rendered):
        if labels["app.kubernetes.io/component"] == "migrate":
            continue
        covering = [b for b in budgets if selects(b["spec"]["selector"], labels)]
        assert len(covering) == 1, name


def test_web_and_worker_pods_spread_over_machines(rendered: list[Resource]) -> None:
    for name, labels in pod_labels(rendered):
        if labels["app.kubernetes.io/component"] not in ("web", "worker"):
            continue
        spec = pod_spec(named(rendered, "Deployment", name))
        (spread,) = spec["topologySpreadConstraints"]
        assert spread["topologyKey"] == "kubernetes.io/hostname"
        assert selects(spread["labelSelector"], labels), name
        siblings = [
            n for n, other in pod_labels(rendered) if selects(spread["labelSelector"], other)
        ]
        assert siblings == [name]


def test_workers_scale_up_to_the_partition_count_and_no_further(
    rendered: list[Resource],
) -> None:
    autoscalers = of_kind(rendered, "HorizontalPodAutoscaler")
    workers = [
        r for r in of_kind(rendered, "Deployment") if r["metadata"]["name"].endswith("-worker")
    ]
    assert {a["spec"]["scaleTargetRef"]["name"] for a in autoscalers} == {
        w["metadata"]["name"] for w in workers
    }
    for autoscaler in autoscalers:
        assert autoscaler["spec"]["maxReplicas"] == KEYED_PARTITIONS
        assert 1 <= autoscaler["spec"]["minReplicas"] <= KEYED_PARTITIONS
    for worker in workers:
        assert "replicas" not in worker["spec"], "the autoscaler owns the worker count"


def test_services_select_pods_and_ports_that_exist(rendered: list[Resource]) -> None:
    pods = [
        (labels, r)
        for r in of_kind(rendered, "Deployment")
        for labels in [r["spec"]["template"]["metadata"]["labels"]]
    ]
    for service in of_kind(rendered, "Service"):
        selector = {"matchLabels": service["spec"]["selector"]}
        (target,) = [r for labels, r in pods if selects(selector, labels)]
        ports = {p["name"] for c in pod_spec(target)["containers"] for p in c.get("ports", [])}
        assert {p["targetPort"] for p in service["spec"]["ports"]} <= ports


# ---- who may reach whom ----------------------------------------------------------------------


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


def test_only_the_proxy_reaches_the_web_pods(rendered: list[Resource]) -> None:
    policies = of_kind(rendered, "NetworkPolicy")
    deny = [p for p in policies if p["spec"]["podSelector"] == {} and not p["spec"].get("ingress")]
    assert deny, "a default deny of ingress must exist"
    proxy = named(rendered, "Deployment", "proxy")["spec"]["template"]["metadata"]["labels"]
    for name, labels in pod_labels(rendered):
        if labels["app.kubernetes.io/component"] != "web":
            continue
        peers = ingress_sources(policies, labels)
        assert peers, name
        for peer in peers:
            assert set(peer) == {"podSelector"}, f"{name}: {peer}"
            assert selects(peer["podSelector"], proxy)
            others = [n for n, other in pod_labels(rendered) if selects(peer["podSelector"], other)]
            assert others == ["proxy"], f"{name} is reachable from {others}"


def test_a_policy_that_lets_others_in_is_caught(rendered: list[Resource]) -> None:
    policies = [
        *of_kind(rendered, "NetworkPolicy"),
        yaml.safe_load(
            "spec: {podSelector: {matchLabels: {app.kubernetes.io/component: web}},"
            " ingress: [{from: [{namespaceSelector: {}}]}]}"
        ),
    ]
    web = named(rendered, "Deployment", "contacts-web")["spec"]["template"]["metadata"]["labels"]
    assert {"namespaceSelector": {}} in ingress_sources(policies, web)


def test_the_proxy_uses_the_same_nginx_template_as_make_up(rendered: list[Resource]) -> None:
    template = (REPO / "deploy" / "nginx" / "digituki.conf.template").read_text()
    assert named(rendered, "ConfigMap", "proxy-nginx")["data"]["digituki.conf.template"] == (
        template
    )
    env = {
        e["name"]: e["value"]
        for e in pod_spec(named(rendered, "Deployment", "proxy"))["containers"][0]["env"]
    }
    for service, port in WEB_PORTS.items():
        assert env[f"{service.upper()}_UPSTREAM"] == f"{service}-web:{port}"
        named(rendered, "Service", f"{service}-web")


# ---- Kafka and PostgreSQL ------------------------------------------------------------------


def test_every_topic_of_the_registry_is_a_kafka_topic(rendered: list[Resource]) -> None:
    declared = {
        t["spec"]["topicName"]: (
            t["spec"]["partitions"],
            {k: str(v) for k, v in (t["spec"].get("config") or {}).items()},
        )
        for t in of_kind(rendered, "KafkaTopic")
    }
    wanted = {name: (parts, configs) for name, parts, configs in all_physical_topics("")}
    assert declared == wanted


def test_production_survives_the_loss_of_one_node(production: list[Resource]) -> None:
    kafka = of_kind(production, "Kafka")[0]["spec"]["kafka"]["config"]
    brokers = sum(
        p["spec"]["replicas"]
        for p in of_kind(production, "KafkaNodePool")
        if "broker" in p["spec"]["roles"]
    )
    controllers = sum(
        p["spec"]["replicas"]
        for p in of_kind(production, "KafkaNodePool")
        if "controller" in p["spec"]["roles"]
    )
    assert brokers >= 3 and controllers % 2 == 1 and controllers >= 3
    assert kafka["default.replication.factor"] == 3
    assert kafka["min.insync.replicas"] == 2
    assert kafka["offsets.topic.replication.factor"] == 3
    assert kafka["transaction.state.log.min.isr"] == 2
    assert {t["spec"]["replicas"] for t in of_kind(production, "KafkaTopic")} == {3}
    for cluster in of_kind(production, "Cluster"):
        assert cluster["spec"]["instances"] == 3
        assert cluster["spec"]["postgresql"]["synchronous"]["number"] >= 1
    for name, labels in pod_labels(production):
        if labels["app.kubernetes.io/component"] in ("web", "proxy"):
            assert named(production, "Deployment", name)["spec"]["replicas"] >= 2
    for autoscaler in of_kind(production, "HorizontalPodAutoscaler"):
        assert autoscaler["spec"]["minReplicas"] >= 2


def test_each_service_has_a_database_cluster_of_its_own(rendered: list[Resource]) -> None:
    assert sorted(app_secrets(rendered).values()) == sorted(SETTINGS)
    max_pods = {
        c["metadata"]["name"]: int(c["spec"]["postgresql"]["parameters"]["max_connections"])
        for c in of_kind(rendered, "Cluster")
    }
    # Every pod's pool may open 2 x <SERVICE>_DB_POOL_SIZE (pool + overflow, shared/db.py);
    # at full scale (web replicas + 6 workers) that must fit under max_connections.
    for service in SETTINGS:
        pool = int(
            named(rendered, "ConfigMap", f"{service}-config")["data"][
                f"{service.upper()}_DB_POOL_SIZE"
            ]
        )
        web = named(rendered, "Deployment", f"{service}-web")["spec"]["replicas"]
        assert (web + KEYED_PARTITIONS) * 2 * pool < max_pods[f"{service}-db"]
