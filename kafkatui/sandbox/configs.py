"""Properties files for each sandbox part, generated from the layout."""

from __future__ import annotations

from pathlib import Path

from kafkatui.sandbox.layout import BrokerPorts, SandboxLayout

LOG4J2 = """\
status = warn
appender.console.type = Console
appender.console.name = console
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.console.ref = console
logger.reflections.name = org.reflections
logger.reflections.level = ERROR
logger.clients.name = org.apache.kafka.clients
logger.clients.level = WARN
logger.jetty.name = org.eclipse.jetty
logger.jetty.level = WARN
"""


def _props(values: dict[str, object]) -> str:
    return "".join(f"{k}={v}\n" for k, v in values.items())


def internal_rf(layout: SandboxLayout) -> int:
    return min(len(layout.brokers), 3)


def broker_properties(layout: SandboxLayout, broker: BrokerPorts) -> str:
    listeners = [
        f"PLAINTEXT://127.0.0.1:{broker.client}",
        f"CONTROLLER://127.0.0.1:{broker.controller}",
    ]
    advertised = [f"PLAINTEXT://127.0.0.1:{broker.client}"]
    protocol_map = ["PLAINTEXT:PLAINTEXT", "CONTROLLER:PLAINTEXT"]
    values: dict[str, object] = {
        "process.roles": "broker,controller",
        "node.id": broker.node_id,
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "PLAINTEXT",
        "log.dirs": layout.path(f"broker-{broker.node_id}", "data"),
        "num.partitions": 1,
        "auto.create.topics.enable": "false",
        "offsets.topic.replication.factor": internal_rf(layout),
        "offsets.topic.num.partitions": 10,
        "transaction.state.log.replication.factor": internal_rf(layout),
        "transaction.state.log.min.isr": 1,
        "share.coordinator.state.topic.replication.factor": internal_rf(layout),
        "share.coordinator.state.topic.min.isr": 1,
        "group.initial.rebalance.delay.ms": 0,
        "delete.topic.enable": "true",
        # An authorizer makes the ACL API real; with no ACL on a resource everyone may use
        # it, and the local principals are super users, so the sandbox stays open.
        "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        "allow.everyone.if.no.acl.found": "true",
        "super.users": "User:ANONYMOUS;User:admin",
        "log.retention.check.interval.ms": 60000,
    }
    if len(layout.brokers) == 1:
        values["controller.quorum.bootstrap.servers"] = f"127.0.0.1:{broker.controller}"
    else:
        values["controller.quorum.voters"] = ",".join(
            f"{b.node_id}@127.0.0.1:{b.controller}" for b in layout.brokers
        )
    if layout.secure:
        from kafkatui.sandbox.secure import secure_broker_properties

        extra_listeners, extra_advertised, extra_map, extra = secure_broker_properties(
            layout, broker
        )
        listeners += extra_listeners
        advertised += extra_advertised
        protocol_map += extra_map
        values.update(extra)
    values["listeners"] = ",".join(listeners)
    values["advertised.listeners"] = ",".join(advertised)
    values["listener.security.protocol.map"] = ",".join(protocol_map)
    return _props(values)


def connect_properties(layout: SandboxLayout) -> str:
    rf = internal_rf(layout)
    values: dict[str, object] = {
        "bootstrap.servers": layout.bootstrap_servers,
        "group.id": "kafkatui-sandbox-connect",
        "key.converter": "org.apache.kafka.connect.storage.StringConverter",
        "value.converter": "org.apache.kafka.connect.storage.StringConverter",
        "config.storage.topic": "_connect-configs",
        "offset.storage.topic": "_connect-offsets",
        "status.storage.topic": "_connect-status",
        "config.storage.replication.factor": rf,
        "offset.storage.replication.factor": rf,
        "status.storage.replication.factor": rf,
        "offset.storage.partitions": 5,
        "status.storage.partitions": 3,
        "offset.flush.interval.ms": 1000,
        "listeners": f"http://127.0.0.1:{layout.connect_port}",
        "rest.advertised.host.name": "127.0.0.1",
        "rest.advertised.port": layout.connect_port,
        "scheduled.rebalance.max.delay.ms": 0,
        "plugin.discovery": "only_scan",
    }
    if layout.secure:
        from kafkatui.sandbox.secure import connect_rest_properties

        values.update(connect_rest_properties(layout))
    return _props(values)


def connect_jvm_args(layout: SandboxLayout) -> list[str]:
    """JVM flags of the Connect worker: the JAAS file its basic-auth extension reads."""
    if not layout.secure:
        return []
    from kafkatui.sandbox.secure import connect_jvm_args as secure_args

    return secure_args(layout)


def registry_system_properties(layout: SandboxLayout) -> list[str]:
    db = layout.path("registry", "db")
    props = [
        "-Dquarkus.http.host=127.0.0.1",
        f"-Dquarkus.http.port={layout.registry_port}",
        # The management interface defaults to *:9000; keep it private and per sandbox.
        "-Dquarkus.management.host=127.0.0.1",
        f"-Dquarkus.management.port={layout.registry_management_port or layout.registry_port + 1}",
        f"-Dapicurio.datasource.url=jdbc:h2:file:{db};DB_CLOSE_ON_EXIT=FALSE",
        "-Dapicurio.rest.deletion.artifact.enabled=true",
        "-Dapicurio.rest.deletion.artifact-version.enabled=true",
        "-Dapicurio.rest.deletion.group.enabled=true",
        "-Dquarkus.log.level=INFO",
        "-Dquarkus.banner.enabled=false",
    ]
    if layout.secure:
        from kafkatui.sandbox.secure import registry_https_properties

        props += registry_https_properties(layout)
    return props


def write(path: Path, text: str) -> Path:
    """Owner-only: a secure sandbox's Connect settings hold its keystore password."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(text)
    return path
