"""Minimal JSON schemas of the operators' custom resources our manifests use.

Written from the operators' API references, for the fields we use and their siblings:
- Strimzi `kafka.strimzi.io/v1beta2` (Strimzi API reference, "Kafka schema reference",
  "KafkaSpec", "KafkaClusterSpec", "GenericKafkaListener", "EntityOperatorSpec",
  "KafkaNodePoolSpec", "JbodStorage", "PersistentClaimStorage", "KafkaTopicSpec";
  strimzi.io/docs/operators/latest/configuring.html).
- CloudNativePG `postgresql.cnpg.io/v1` (CloudNativePG API reference, "ClusterSpec",
  "BootstrapConfiguration", "BootstrapInitDB", "PostgresConfiguration",
  "SynchronousReplicaConfiguration", "StorageConfiguration";
  cloudnative-pg.io/documentation/current/cloudnative-pg.v1/).

Where the reference lists every property of an object, unknown keys are refused (a typo such
as `listners` fails); elsewhere the known keys are type-checked and others pass.
"""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]

_QUANTITY = {"type": "string", "pattern": r"^[0-9]+(\.[0-9]+)?(m|k|Ki|Mi|Gi|Ti|M|G|T)?$"}
_RESOURCES: Schema = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "requests": {"type": "object", "additionalProperties": _QUANTITY},
        "limits": {"type": "object", "additionalProperties": _QUANTITY},
    },
}


def _metadata(*, cluster_label: bool = False) -> Schema:
    schema: Schema = {
        "type": "object",
        "required": ["name"],
        "properties": {
            # DNS-1123 subdomain (Kubernetes object names; dots allowed for topics).
            "name": {"type": "string", "pattern": r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$"},
            "namespace": {"type": "string"},
            "labels": {"type": "object", "additionalProperties": {"type": "string"}},
            "annotations": {"type": "object", "additionalProperties": {"type": "string"}},
        },
    }
    if cluster_label:
        # A KafkaNodePool / KafkaTopic belongs to the Kafka named by this label.
        schema["properties"]["labels"]["required"] = ["strimzi.io/cluster"]
        schema["required"] = ["name", "labels"]
    return schema


def _resource(api_version: str, kind: str, spec: Schema, **meta: bool) -> Schema:
    return {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "additionalProperties": False,
        "properties": {
            "apiVersion": {"const": api_version},
            "kind": {"const": kind},
            "metadata": _metadata(**meta),
            "spec": spec,
        },
    }


# ---- Strimzi ---------------------------------------------------------------------------------

_PERSISTENT_VOLUME: Schema = {
    "type": "object",
    "required": ["type"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "integer", "minimum": 0},
        "type": {"enum": ["ephemeral", "persistent-claim"]},
        "size": _QUANTITY,
        "sizeLimit": _QUANTITY,
        "class": {"type": "string"},
        "selector": {"type": "object"},
        "deleteClaim": {"type": "boolean"},
        "kraftMetadata": {"enum": ["shared"]},
        "overrides": {"type": "array"},
    },
}
_STORAGE: Schema = {
    "type": "object",
    "required": ["type"],
    "properties": {
        "type": {"enum": ["ephemeral", "persistent-claim", "jbod"]},
        "volumes": {"type": "array", "minItems": 1, "items": _PERSISTENT_VOLUME},
    },
    "if": {"properties": {"type": {"const": "jbod"}}},
    "then": {"required": ["volumes"]},
}
_LISTENER: Schema = {
    "type": "object",
    "required": ["name", "port", "type", "tls"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "pattern": r"^[a-z0-9]{1,11}$"},
        # 9092 and up; 9404 (metrics) and 9999 (JMX) are Strimzi's own.
        "port": {"type": "integer", "minimum": 9092, "not": {"enum": [9404, 9999]}},
        "type": {
            "enum": ["internal", "route", "loadbalancer", "nodeport", "ingress", "cluster-ip"]
        },
        "tls": {"type": "boolean"},
        "authentication": {"type": "object"},
        "configuration": {"type": "object"},
        "networkPolicyPeers": {"type": "array", "items": {"type": "object"}},
    },
}
_KAFKA_CLUSTER: Schema = {
    "type": "object",
    "required": ["listeners"],
    "additionalProperties": False,
    "properties": {
        "version": {"type": "string", "pattern": r"^[0-9]+\.[0-9]+\.[0-9]+$"},
        "metadataVersion": {"type": "string"},
        "image": {"type": "string"},
        "listeners": {"type": "array", "minItems": 1, "items": _LISTENER},
        "config": {"type": "object"},
        "storage": _STORAGE,
        "authorization": {"type": "object"},
        "rack": {"type": "object"},
        "brokerRackInitImage": {"type": "string"},
        "livenessProbe": {"type": "object"},
        "readinessProbe": {"type": "object"},
        "jvmOptions": {"type": "object"},
        "jmxOptions": {"type": "object"},
        "resources": _RESOURCES,
        "metricsConfig": {"type": "object"},
        "logging": {"type": "object"},
        "template": {"type": "object"},
        "tieredStorage": {"type": "object"},
        "quotas": {"type": "object"},
    },
}
KAFKA = _resource(
    "kafka.strimzi.io/v1beta2",
    "Kafka",
    {
        "type": "object",
        "required": ["kafka"],
        "additionalProperties": False,
        "properties": {
            "kafka": _KAFKA_CLUSTER,
            "entityOperator": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "topicOperator": {"type": "object"},
                    "userOperator": {"type": "object"},
                    "tlsSidecar": {"type": "object"},
                    "template": {"type": "object"},
                },
            },
            "clusterCa": {"type": "object"},
            "clientsCa": {"type": "object"},
            "cruiseControl": {"type": "object"},
            "kafkaExporter": {"type": "object"},
            "maintenanceTimeWindows": {"type": "array", "items": {"type": "string"}},
        },
    },
)
KAFKA_NODE_POOL = _resource(
    "kafka.strimzi.io/v1beta2",
    "KafkaNodePool",
    {
        "type": "object",
        "required": ["replicas", "roles", "storage"],
        "additionalProperties": False,
        "properties": {
            "replicas": {"type": "integer", "minimum": 0},
            "roles": {
                "type": "array",
                "minItems": 1,
                "uniqueItems": True,
                "items": {"enum": ["controller", "broker"]},
            },
            "storage": _STORAGE,
            "resources": _RESOURCES,
            "jvmOptions": {"type": "object"},
            "template": {"type": "object"},
        },
    },
    cluster_label=True,
)
KAFKA_TOPIC = _resource(
    "kafka.strimzi.io/v1beta2",
    "KafkaTopic",
    {
        "type": "object",
        "required": ["partitions", "replicas"],
        "additionalProperties": False,
        "properties": {
            "topicName": {"type": "string", "pattern": r"^[a-zA-Z0-9._-]{1,249}$"},
            "partitions": {"type": "integer", "minimum": 1},
            "replicas": {"type": "integer", "minimum": 1, "maximum": 32767},
            "config": {
                "type": "object",
                "additionalProperties": {"type": ["string", "integer", "number", "boolean"]},
            },
        },
    },
    cluster_label=True,
)

# ---- CloudNativePG ---------------------------------------------------------------------------

CNPG_CLUSTER = _resource(
    "postgresql.cnpg.io/v1",
    "Cluster",
    {
        "type": "object",
        "required": ["instances", "storage"],
        "properties": {
            "instances": {"type": "integer", "minimum": 1},
            "imageName": {"type": "string"},
            "primaryUpdateStrategy": {"enum": ["unsupervised", "supervised"]},
            "minSyncReplicas": {"type": "integer", "minimum": 0},
            "maxSyncReplicas": {"type": "integer", "minimum": 0},
            "bootstrap": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "initdb": {
                        "type": "object",
                        "properties": {
                            "database": {"type": "string"},
                            "owner": {"type": "string"},
                            "secret": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {"name": {"type": "string"}},
                            },
                            "encoding": {"type": "string"},
                            "localeCollate": {"type": "string"},
                            "localeCType": {"type": "string"},
                            "dataChecksums": {"type": "boolean"},
                            "postInitSQL": {"type": "array", "items": {"type": "string"}},
                            "postInitApplicationSQL": {
                                "type": "array",
                                "items": {"type": "string"},
                            },
                        },
                    },
                    "recovery": {"type": "object"},
                    "pg_basebackup": {"type": "object"},
                },
            },
            "postgresql": {
                "type": "object",
                "properties": {
                    # map[string]string: numbers must be quoted.
                    "parameters": {"type": "object", "additionalProperties": {"type": "string"}},
                    "pg_hba": {"type": "array", "items": {"type": "string"}},
                    "synchronous": {
                        "type": "object",
                        "required": ["method", "number"],
                        "properties": {
                            "method": {"enum": ["any", "first"]},
                            "number": {"type": "integer", "minimum": 1},
                            "dataDurability": {"enum": ["required", "preferred"]},
                        },
                    },
                },
            },
            "storage": {
                "type": "object",
                "properties": {
                    "size": _QUANTITY,
                    "storageClass": {"type": "string"},
                    "resizeInUseVolumes": {"type": "boolean"},
                    "pvcTemplate": {"type": "object"},
                },
            },
            "walStorage": {"type": "object"},
            "resources": _RESOURCES,
            "affinity": {"type": "object"},
            "monitoring": {"type": "object"},
            "backup": {"type": "object"},
        },
    },
)

SCHEMAS: dict[tuple[str, str], Schema] = {
    ("kafka.strimzi.io/v1beta2", "Kafka"): KAFKA,
    ("kafka.strimzi.io/v1beta2", "KafkaNodePool"): KAFKA_NODE_POOL,
    ("kafka.strimzi.io/v1beta2", "KafkaTopic"): KAFKA_TOPIC,
    ("postgresql.cnpg.io/v1", "Cluster"): CNPG_CLUSTER,
}
