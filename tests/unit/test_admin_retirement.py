"""A replaced client is kept until the requests handed out before it was replaced end."""

from __future__ import annotations

import concurrent.futures
import gc
import weakref

from kafkatui.cluster.admin_retirement import PRUNE_FROM, Retirement


class Client:
    """Stands for an AdminClient: only its lifetime matters here."""


def _retired_with(
    pending: concurrent.futures.Future[int],
) -> tuple[Retirement, weakref.ref[Client]]:
    retirement = Retirement()
    retirement.track({"a": pending})
    client = Client()
    ref = weakref.ref(client)
    retirement.retire(client)
    del client
    return retirement, ref


def test_kept_while_a_request_waits_and_let_go_when_it_ends() -> None:
    pending: concurrent.futures.Future[int] = concurrent.futures.Future()
    retirement, ref = _retired_with(pending)
    assert retirement.release() == 1 and ref() is not None
    pending.set_result(1)
    assert retirement.release() == 0
    gc.collect()
    assert ref() is None


def test_requests_handed_out_after_the_retirement_do_not_hold_it() -> None:
    pending: concurrent.futures.Future[int] = concurrent.futures.Future()
    retirement, ref = _retired_with(pending)
    pending.set_result(1)  # the one it waited for
    retirement.track(concurrent.futures.Future())  # the new client's request
    assert retirement.release() == 0 and ref() is None


def test_not_let_go_while_a_call_is_between_sending_and_tracking() -> None:
    pending: concurrent.futures.Future[int] = concurrent.futures.Future()
    retirement, ref = _retired_with(pending)
    pending.set_result(1)
    with retirement.sending():
        assert retirement.release() == 1 and ref() is not None
    assert retirement.release() == 0


def test_a_failed_request_counts_as_ended() -> None:
    pending: concurrent.futures.Future[int] = concurrent.futures.Future()
    retirement, ref = _retired_with(pending)
    pending.set_exception(TimeoutError())
    assert retirement.wait(0.1) == 0 and ref() is None


def test_a_closed_connection_hands_its_kept_clients_over() -> None:
    pending: concurrent.futures.Future[int] = concurrent.futures.Future()
    retirement, ref = _retired_with(pending)
    heir = Retirement()
    retirement.hand_over(heir)
    assert retirement.release() == 0 and heir.release() == 1 and ref() is not None
    pending.set_result(1)
    assert heir.release() == 0 and ref() is None


def test_finished_requests_are_let_go_in_bulk_and_a_waiting_one_still_holds() -> None:
    pending: concurrent.futures.Future[int] = concurrent.futures.Future()
    retirement = Retirement()
    retirement.track({"waiting": pending})
    for _ in range(50):  # calls of 500 partitions each, answered at once
        answered = {str(i): concurrent.futures.Future() for i in range(500)}
        for future in answered.values():
            future.set_result(0)
        retirement.track(answered)
    assert len(retirement._inflight) < 2 * PRUNE_FROM  # the finished ones went
    client = Client()
    ref = weakref.ref(client)
    retirement.retire(client)
    del client
    assert retirement.release() == 1 and ref() is not None  # the waiting one holds it
    pending.set_result(1)
    assert retirement.release() == 0
    gc.collect()
    assert ref() is None
