"""Brokers: cluster identity, broker configs; log dirs and the KRaft quorum through
BrokerDepth (kafka-python, see deep_admin)."""

from __future__ import annotations

from confluent_kafka.admin import ResourceType

from kafkatui.cluster.broker_depth import BrokerDepth
from kafkatui.cluster.deep_models import DiskUsage, LogDir, Quorum, Reassignment
from kafkatui.cluster.errors import NotFound
from kafkatui.cluster.kafka_admin import KafkaAdmin
from kafkatui.cluster.models import Broker, ClusterInfo, ConfigEntry


class Brokers:
    def __init__(self, admin: KafkaAdmin, depth: BrokerDepth) -> None:
        self.admin = admin
        self.depth = depth

    def cluster_info(self) -> ClusterInfo:
        """Cluster id, controller and brokers (with rack) from one DescribeCluster request."""
        future = self.admin.call(
            "describing the cluster",
            lambda: self.admin.client.describe_cluster(request_timeout=self.admin.request_timeout),
        )
        desc = self.admin.wait(future, "describing the cluster")
        controller_id = desc.controller.id if desc.controller is not None else None
        brokers = tuple(
            Broker(
                id=node.id,
                host=node.host,
                port=node.port,
                rack=node.rack or None,
                is_controller=node.id == controller_id,
            )
            for node in sorted(desc.nodes, key=lambda n: n.id)
        )
        return ClusterInfo(cluster_id=desc.cluster_id, controller_id=controller_id, brokers=brokers)

    def broker_configs(self, broker_id: int) -> list[ConfigEntry]:
        """Every config of one broker, sorted by name; sensitive values are None."""
        configs, errors = self.admin.configs(
            ResourceType.BROKER, [str(broker_id)], f"reading configs of broker {broker_id}"
        )
        if str(broker_id) in errors:
            raise errors[str(broker_id)]
        if str(broker_id) not in configs:
            raise NotFound(f"broker {broker_id} does not exist")
        return sorted(configs[str(broker_id)].values(), key=lambda e: e.name)

    def log_dirs(self) -> list[LogDir]:
        return list(self.depth.disk_usage().log_dirs)

    def disk_usage(self) -> DiskUsage:
        return self.depth.disk_usage()

    def quorum(self) -> Quorum:
        return self.depth.quorum()

    def reassignments(self, topic: str | None = None) -> list[Reassignment]:
        return self.depth.reassignments(topic)
