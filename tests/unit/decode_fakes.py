"""An in-memory SchemaLookup for decoder unit tests (pure logic, no registry)."""

from __future__ import annotations

from kafkatui.cluster.errors import NotFound
from kafkatui.cluster.models import SchemaVersion


class MemoryRegistry:
    """Schemas by id and by (subject, version); `down` makes every lookup fail like a dead host."""

    def __init__(self) -> None:
        self.by_id: dict[int, SchemaVersion] = {}
        self.down = False
        self.calls = 0

    def add(
        self,
        schema_id: int,
        schema: str,
        schema_type: str = "AVRO",
        subject: str = "",
        references: tuple[tuple[str, str, int], ...] = (),
        version: int = 1,
    ) -> SchemaVersion:
        found = SchemaVersion(
            subject or f"subject-{schema_id}", version, schema_id, schema_type, schema, references
        )
        self.by_id[schema_id] = found
        return found

    def _answer(self) -> None:
        self.calls += 1
        if self.down:
            raise ConnectionError("connection refused")

    def schema_by_id(self, schema_id: int) -> SchemaVersion:
        self._answer()
        if schema_id not in self.by_id:
            raise NotFound(f"schema id {schema_id} not found")
        return self.by_id[schema_id]

    def get_version(self, subject: str, version: int) -> SchemaVersion:
        self._answer()
        for found in self.by_id.values():
            if found.subject == subject and found.version == version:
                return found
        raise NotFound(f"subject {subject} version {version} not found")


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now
