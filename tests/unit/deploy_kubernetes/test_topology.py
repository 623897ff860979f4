"""What ties the objects together: probes, disruption budgets, spreading, the autoscaler's cap,
services, who may reach the web pods, the topics of shared/events/topics.py, the databases,
and that production survives the loss of one node."""

from __future__ import annotations

import yaml

from shared.events.topics import KEYED_PARTITIONS, all_physical_topics
from tests.support.kustomize import Resource
from tests.support.manifests import (
    app_secrets,
    ingress_sources,
    named,
    of_kind,
    ours,
    pod_labels,
    pod_spec,
    selects,
)
from tests.unit.deploy_kubernetes.conftest import REPO
from tests.unit.test_compose import SETTINGS

WEB_PORTS = {"contacts": 8101, "newsletter": 8102, "surveys": 8103, "events": 8104}


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
        e["name"]: e.get("value") or e["valueFrom"]["secretKeyRef"]["key"]
        for e in pod_spec(named(rendered, "Deployment", "proxy"))["containers"][0]["env"]
    }
    assert env["PROXY_SECRET"] == "proxy-secret"  # by reference, the services' own
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
