"""Copy chosen records (a find result, a tail's rows) to another topic: ask where, then
the plan-and-confirm dialog (modals/transfer.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kafkatui.cluster.transfers import CopyRequest
from kafkatui.ui.format import count

_YES = ("y", "yes")
_NO = ("n", "no", "")


def _problem(values: dict[str, str], source: str) -> str | None:
    if not values["destination"]:
        return "name the topic to copy to"
    if values["destination"] == source:
        return "the destination must be another topic"
    if values["keep"].lower() not in _YES + _NO:
        return "keep partitions: yes or no"
    return None


def ask_copy(view: Any, source: str, records: Sequence[tuple[int, int]]) -> None:
    """Ask for the destination (read-only says so first), then plan and confirm."""
    if not view.allowed("topic.copy"):
        return
    from kafkatui.ui.modals.common import Field, FormModal
    from kafkatui.ui.modals.transfer import TransferModal

    chosen = frozenset(records)

    def then(values: dict[str, str] | None) -> None:
        if not values:
            return
        request = CopyRequest(
            source,
            values["destination"],
            keep_partitions=values["keep"].lower() in _YES,
            records=chosen,
        )
        title = f"Copy {count(len(chosen))} records from {source} to {values['destination']}"
        view.app.push_screen(TransferModal(request, title))

    form = FormModal(
        f"Copy {count(len(chosen))} records of {source} to a topic",
        [
            Field("destination", "Destination topic"),
            Field("keep", "Keep partitions (yes/no)", "no"),
        ],
        validate=lambda v: _problem(v, source),
        hint="Keys, values, headers and timestamps are kept; each copy names its source in "
        "a kafkatui.copied-from header, so a rerun skips what is there.",
        submit_label="Plan",
    )
    view.app.push_screen(form, then)
