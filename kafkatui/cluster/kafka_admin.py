"""One connection to a Kafka cluster: the AdminClient, a lazy Producer, and error translation.

Everything the brokers/topics/groups/acls/health modules do goes through here, so
that timeouts and the mapping of librdkafka errors to kafkatui errors live in one place.

Why the error callback matters: librdkafka retries an unreachable or rejecting cluster
forever and only reports *why* through `error_cb` (served by `poll`). A request then just
times out. We remember the last connection-level error (`CONNECTION_ERRORS`) and use it
to turn a bare timeout into ConnectionFailed / AuthenticationFailed / TlsError with the
real reason. The mapping itself is `kafka_errors.translate()`.
"""

from __future__ import annotations

import concurrent.futures
import logging
import threading
import time
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any, TypeVar

from confluent_kafka import KafkaError, KafkaException, Producer
from confluent_kafka import TopicPartition as KafkaTopicPartition
from confluent_kafka.admin import (
    AdminClient,
    ClusterMetadata,
    ConfigResource,
    ConfigSource,
    ListOffsetsResultInfo,
    OffsetSpec,
    ResourceType,
)

from kafkatui.cluster.admin_retirement import ORPHANS, Retirement
from kafkatui.cluster.errors import (
    ConnectionFailed,
    InvalidInput,
    KafkaTuiError,
    RemoteError,
    TimedOut,
)
from kafkatui.cluster.guard import is_secret_name
from kafkatui.cluster.kafka_errors import (
    AUTH_CODES,
    CONNECTION_ERRORS,
    TIMEOUT_CODES,
    TLS_CODES,
    UNREACHABLE_CODES,
    code_of,
    kafka_error,
    translate,
)

# kept importable from here, where they used to live
from kafkatui.cluster.kafka_errors import kafka_error_of as kafka_error_of
from kafkatui.cluster.librdkafka_log import LOG as LOG
from kafkatui.cluster.lifetime import on_foreign_thread, park, release_parked, weak_callback
from kafkatui.cluster.metadata_wait import DownSince, in_slices
from kafkatui.cluster.models import ConfigEntry
from kafkatui.cluster.offset_retry import LEADER_MOVING_CODES, OFFSET_ATTEMPTS, pause_before
from kafkatui.cluster.settings import ConnectionSettings

T = TypeVar("T")

_WATERMARK_SPECS = (type(OffsetSpec.earliest()), type(OffsetSpec.latest()))
#: a partition that got no answer, or not from its leader: the leader known may be gone
_STALE_LEADER_CODES = TIMEOUT_CODES | UNREACHABLE_CODES | LEADER_MOVING_CODES


def source_name(source: Any) -> str:
    """DescribeConfigs hands the source over as a bare int; name it as Kafka does."""
    if isinstance(source, ConfigSource):
        return source.name
    try:
        return ConfigSource(int(source)).name
    except (TypeError, ValueError):
        return str(source)


def config_entry(raw: Any) -> ConfigEntry:
    """Our ConfigEntry from confluent-kafka's; sensitive values are dropped, never shown."""
    sensitive = bool(raw.is_sensitive) or is_secret_name(raw.name)
    source = source_name(raw.source)
    return ConfigEntry(
        name=raw.name,
        value=None if sensitive else raw.value,
        is_default=bool(raw.is_default),
        is_sensitive=sensitive,
        is_read_only=bool(raw.is_read_only),
        source=source,
    )


class _HandshakeWatch(logging.Filter):
    """Notices librdkafka's INFO line for a broker that hangs up at the very first request,
    which is what a TLS listener does to a plaintext client."""

    def __init__(self) -> None:
        super().__init__()
        self.dropped_at_first_request = False

    def filter(self, record: logging.LogRecord) -> bool:
        if "APIVERSION_QUERY" in record.getMessage():
            self.dropped_at_first_request = True
        return True


_PLAINTEXT_PROTOCOLS = {"", "plaintext", "sasl_plaintext"}
REBUILD_AFTER_S = 10.0
CLOSE_WAIT_S = 2.0  # how long close() waits for unanswered requests before leaving them


class _ClosedAdmin:
    """Stands in for the AdminClient once the connection is closed: any use is a clear
    ConnectionFailed (a screen still polling during a profile switch), never a crash."""

    def __init__(self, bootstrap: str) -> None:
        self._bootstrap = bootstrap

    def __getattr__(self, name: str) -> Any:
        raise ConnectionFailed(f"the connection to Kafka at {self._bootstrap} was closed")


class KafkaAdmin:
    """Owns one AdminClient (and lazily one Producer) for one set of connection settings."""

    _instances = 0

    def __init__(self, settings: ConnectionSettings) -> None:
        release_parked()
        self.settings = settings
        KafkaAdmin._instances += 1
        self._watch = _HandshakeWatch()
        self._log = LOG.getChild(str(KafkaAdmin._instances))
        self._log.setLevel(logging.INFO)
        self._log.addFilter(self._watch)
        self.timeout_s = settings.timeout_s
        self._lock = threading.Lock()
        self._connection_error: KafkaError | None = None
        self._down = DownSince()  # every broker reported down (error_cb), since when
        self._producer: Producer | None = None
        self._closed = False
        self._metadata: tuple[float, ClusterMetadata] | None = None
        self._failing_since: float | None = None
        self._timed_out = False  # a request timed out: use a fresh client next
        self._rebuilt_at = time.monotonic()
        self._secrets = [v for k, v in settings.kafka.items() if is_secret_name(k) and v]
        self._retirement = Retirement()  # replaced clients, kept until their requests end
        self._admin: AdminClient | _ClosedAdmin = self._new_admin()

    # ---- configuration -----------------------------------------------------------------
    def _new_admin(self) -> AdminClient:
        """A client, or a usage error naming the setting librdkafka refused (a CA file
        that cannot be read, say): never a raw KafkaException."""
        try:
            return AdminClient(self._conf())
        except KafkaException as exc:
            err = kafka_error_of(exc)
            text = err.str() if err is not None else str(exc)
            raise InvalidInput(f"bad client settings: {self._scrub(text)}") from None

    def _conf(self, **extra: str | int | float | bool) -> dict[str, Any]:
        conf: dict[str, Any] = dict(self.settings.librdkafka(**extra))
        conf.setdefault("allow.auto.create.topics", False)  # a look-up must never create
        conf["error_cb"] = weak_callback(self._on_error)  # no cycle: see lifetime.py
        conf["logger"] = self._log
        return conf

    def _on_error(self, err: KafkaError) -> None:
        if err.code() in CONNECTION_ERRORS:
            self._connection_error = err
        self._down.saw(err)

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "******")
        return text

    # ---- calling and waiting -----------------------------------------------------------
    @property
    def request_timeout(self) -> float:
        """Passed to every admin request; futures are awaited a little longer."""
        return self.timeout_s

    @property
    def coordinator_timeout(self) -> float:
        """For requests to a group's coordinator: long enough for a new one to take over
        after a broker died, so that librdkafka does not time them out while it still
        waits for the coordinator (see _fresh_client_if_due); callers still stop waiting
        after the usual timeout, and a late answer is dropped."""
        return max(60.0, 6 * self.timeout_s)

    @property
    def _wait_s(self) -> float:
        return self.timeout_s + 5.0

    def error(self, exc: BaseException | KafkaError, what: str) -> KafkaTuiError:
        """Translate any exception from confluent-kafka into a kafkatui error."""
        if isinstance(exc, KafkaTuiError):
            return exc
        self._admin.poll(0)  # serve error_cb so the real reason is known
        err = kafka_error(exc)
        if err is None:
            if isinstance(exc, ValueError | TypeError):
                return InvalidInput(f"{what}: {self._scrub(str(exc))}")
            return RemoteError(f"{what}: {self._scrub(str(exc))}")
        translated = translate(
            err, what, self.settings.bootstrap_servers, self._connection_error, self._scrub
        )
        if isinstance(translated, ConnectionFailed) and self._failing_since is None:
            self._failing_since = time.monotonic()
        if isinstance(translated, TimedOut):
            self._timed_out = True
        if type(translated) is ConnectionFailed and self._looks_like_plaintext_on_tls():
            translated = ConnectionFailed(
                f"{translated}: the broker closed the connection at the first request; is it "
                "a TLS listener? (set security.protocol to SSL or SASL_SSL)"
            )
        return translated

    def _looks_like_plaintext_on_tls(self) -> bool:
        protocol = str(self.settings.kafka.get("security.protocol", "")).lower()
        return self._watch.dropped_at_first_request and protocol in _PLAINTEXT_PROTOCOLS

    def _succeeded(self) -> None:
        self._failing_since = None
        self._connection_error = None
        self._down.answered()
        self._admin.poll(0)

    def call(self, what: str, fn: Callable[[], T]) -> T:
        """Run a blocking call, translating its errors. The futures it returns are
        tracked, so that no client is destroyed while they wait (admin_retirement.py)."""
        self._fresh_client_if_due()
        with self._retirement.sending():
            try:
                result = fn()
            except Exception as exc:
                raise self.error(exc, what) from exc
            self._retirement.track(result)
        self._succeeded()
        return result

    def wait(self, future: concurrent.futures.Future[T], what: str) -> T:
        """Wait for one future with a timeout, translating its error."""
        return self.call(what, lambda: future.result(timeout=self._wait_s))

    def _collect(
        self, futures: Mapping[Any, concurrent.futures.Future[Any]]
    ) -> tuple[dict[Any, Any], dict[Any, BaseException]]:
        """Wait for many futures at once: results and raw exceptions by key."""
        _, pending = concurrent.futures.wait(list(futures.values()), timeout=self._wait_s)
        results: dict[Any, Any] = {}
        failures: dict[Any, BaseException] = {}
        for key, fut in futures.items():
            exc = TimeoutError() if fut in pending else fut.exception()
            if exc is None:
                results[key] = fut.result()
            else:
                failures[key] = exc
        return results, failures

    def wait_all(
        self, futures: Mapping[Any, concurrent.futures.Future[Any]], what: str
    ) -> tuple[dict[Any, Any], dict[Any, KafkaTuiError]]:
        """Wait for many futures at once: (results by key, translated errors by key).

        A connection-level failure (nothing answered at all) raises instead of being
        reported per key, so callers never show a screen full of identical errors.
        """
        results, failures = self._collect(futures)
        errors = {key: self.error(exc, what) for key, exc in failures.items()}
        if futures and not results:
            first = next(iter(errors.values()))
            if isinstance(first, ConnectionFailed):
                raise first
        if results:
            self._succeeded()
        return results, errors

    # ---- shared look-ups ---------------------------------------------------------------
    def metadata(self, max_age_s: float = 0.0) -> ClusterMetadata:
        """Metadata for every topic in one request (or the last answer, if younger than
        `max_age_s`: a big topic list is filled in chunks that share one metadata call).

        Asked in growing slices up to the timeout (metadata_wait), so that a wrong
        password or an untrusted certificate (known to librdkafka within a second) fails
        at once, and a cluster whose every broker refuses in a few seconds, rather than
        after 10 s, while a slow answer still gets its time.
        """
        cached = self._metadata
        if cached is not None and time.monotonic() - cached[0] <= max_age_s:
            return cached[1]
        self._fresh_client_if_due()
        what = "reading cluster metadata"

        def give_up() -> bool:
            self._admin.poll(0)  # serve error_cb
            known = self._connection_error
            return known is not None and known.code() in AUTH_CODES | TLS_CODES

        try:
            result = in_slices(
                lambda slice_s: self._admin.list_topics(timeout=slice_s),
                give_up,
                self._down,
                self.timeout_s,
            )
        except KafkaException as exc:
            raise self.error(exc, what) from exc
        self._succeeded()
        self._metadata = (time.monotonic(), result)
        return result

    def _fresh_client_if_due(self) -> None:
        """Replace the AdminClient with a fresh one, which looks up coordinators and
        partition leaders anew, when:
        - a request timed out. librdkafka 2.16 can abort the whole process (assertion
          `eonce->refcnt > 0` in rd_kafka_enq_once_del_source_return, librdkafka issue
          #4605) when a group request follows one that timed out waiting for a
          coordinator that died: with a group's coordinator broker killed, the second or
          third request aborted in 5 runs of 6, and in none of 2 with a fresh client
          after each timeout;
        - the client has failed for REBUILD_AFTER_S (at most that often). After a broker
          froze past the timeouts, librdkafka can keep reporting transport failures on
          its old connections long after a fresh client answers.
        """
        self._retirement.release()
        ORPHANS.release()
        now = time.monotonic()
        failing = self._failing_since is not None and now - self._failing_since > REBUILD_AFTER_S
        if self._timed_out or (failing and now - self._rebuilt_at > REBUILD_AFTER_S):
            self._replace_client()

    def _replace_client(self) -> None:
        self._timed_out = False
        if not self._closed:
            old, self._admin = self._admin, self._new_admin()
            self._rebuilt_at = time.monotonic()
            self._retirement.retire(old)  # its requests may still be answered

    def offsets(
        self, specs: Mapping[tuple[str, int], OffsetSpec], what: str = "reading offsets"
    ) -> dict[tuple[str, int], ListOffsetsResultInfo]:
        """One batched ListOffsets request for many partitions; failed partitions are left out.

        Partitions whose leader is moving (new topic, broker restart) are asked again a
        couple of times, briefly, instead of showing up blank. Partitions that got no
        answer while others did are asked once more with a fresh client: after a broker
        died, an AdminClient keeps its leaders from its metadata cache, refreshed only
        every topic.metadata.refresh.interval.ms (5 minutes), so it keeps sending them to
        the dead broker, while a fresh client looks the new leaders up.
        """
        self._fresh_client_if_due()
        found, unanswered = self._offsets_once(specs, what)
        if found and unanswered:
            self._replace_client()
            again, _ = self._offsets_once({tp: specs[tp] for tp in unanswered}, what)
            found.update(again)
        if found:
            self._succeeded()
        return found

    def _offsets_once(
        self, specs: Mapping[tuple[str, int], OffsetSpec], what: str
    ) -> tuple[dict[tuple[str, int], ListOffsetsResultInfo], set[tuple[str, int]]]:
        """(offsets found, partitions that failed as if their leader were gone)."""
        found: dict[tuple[str, int], ListOffsetsResultInfo] = {}
        unanswered: set[tuple[str, int]] = set()
        todo = dict(specs)
        for attempt in range(OFFSET_ATTEMPTS):
            if not todo:
                break
            pause_before(attempt)
            request = {KafkaTopicPartition(t, p): spec for (t, p), spec in todo.items()}
            futures = self.call(
                what,
                lambda request=request: self._admin.list_offsets(  # type: ignore[misc]
                    request, request_timeout=self.request_timeout
                ),
            )
            results, failures = self._collect(futures)
            if failures and not results:
                first = self.error(next(iter(failures.values())), what)
                if isinstance(first, ConnectionFailed):
                    raise first
            for tp, info in results.items():
                key = (tp.topic, tp.partition)
                if info.offset < 0 and isinstance(todo[key], _WATERMARK_SPECS):
                    # a watermark is never negative: librdkafka's way of saying it
                    # timed out on a leader that is gone (seen after a broker died)
                    unanswered.add(key)
                else:
                    found[key] = info
            codes = {(tp.topic, tp.partition): code_of(exc) for tp, exc in failures.items()}
            unanswered |= {tp for tp, code in codes.items() if code in _STALE_LEADER_CODES}
            todo = {tp: todo[tp] for tp, code in codes.items() if code in LEADER_MOVING_CODES}
        return found, unanswered - set(found)

    def watermarks(
        self, partitions: Iterable[tuple[str, int]]
    ) -> dict[tuple[str, int], tuple[int, int]]:
        """(low, high) per partition from two batched ListOffsets requests."""
        wanted = list(partitions)
        low = self.offsets({tp: OffsetSpec.earliest() for tp in wanted}, "reading low watermarks")
        high = self.offsets({tp: OffsetSpec.latest() for tp in wanted}, "reading high watermarks")
        return {tp: (low[tp].offset, high[tp].offset) for tp in wanted if tp in low and tp in high}

    def configs(
        self,
        restype: ResourceType,
        names: Iterable[str],
        what: str,
        keep: Collection[str] | None = None,
    ) -> tuple[dict[str, dict[str, ConfigEntry]], dict[str, KafkaTuiError]]:
        """Batched DescribeConfigs: {resource name: {config name: entry}} plus errors;
        with `keep`, only those config names (each topic has about 35 to convert)."""
        resources = [ConfigResource(restype, name) for name in names]
        if not resources:
            return {}, {}
        for attempt in range(2):
            futures = self.call(
                what,
                lambda: self._admin.describe_configs(
                    resources, request_timeout=self.request_timeout
                ),
            )
            try:
                results, errors = self.wait_all(futures, what)
                break
            except ConnectionFailed:
                # Sent to a broker that just died: librdkafka picks a live one next time.
                if attempt:
                    raise
                time.sleep(0.5)
        configs = {
            res.name: {
                name: config_entry(raw)
                for name, raw in entries.items()
                if keep is None or name in keep
            }
            for res, entries in results.items()
        }
        return configs, {res.name: err for res, err in errors.items()}

    @property
    def client(self) -> AdminClient:
        self._fresh_client_if_due()
        return self._admin  # type: ignore[return-value]  # a closed one raises on use

    @property
    def producer(self) -> Producer:
        """Created on first use: most sessions never produce."""
        with self._lock:
            if self._closed:
                raise ConnectionFailed("this connection to Kafka was closed")
            if self._producer is None:
                self._producer = Producer(
                    self._conf(**{"message.timeout.ms": int(self.timeout_s * 1000)})
                )
            return self._producer

    def close(self) -> None:
        """Flush the producer and destroy both clients, so no librdkafka thread of this
        connection outlives it (they would go on reconnecting to brokers that may be gone).
        Using the connection afterwards is a clear error. Safe to call more than once."""
        with self._lock:
            producer, self._producer = self._producer, None
            self._closed = True
        if producer is not None:
            producer.flush(min(self.timeout_s, 5.0))
        admin, self._admin = self._admin, _ClosedAdmin(self.settings.bootstrap_servers)
        if isinstance(admin, AdminClient):
            admin.poll(0)
            self._retirement.retire(admin)
        del producer, admin  # the producer is destroyed here, on this thread
        # the clients are too, unless a request is still waiting for its answer
        self._retirement.wait(CLOSE_WAIT_S)
        self._retirement.hand_over(ORPHANS)
        release_parked()

    def __del__(self) -> None:
        retirement = getattr(self, "_retirement", None)
        if retirement is not None:
            retirement.hand_over(ORPHANS)
        # a librdkafka thread must not destroy the clients (see lifetime.py)
        if on_foreign_thread():
            park(getattr(self, "_admin", None), getattr(self, "_producer", None))
