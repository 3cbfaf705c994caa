"""Property: however a set of offline histories is delivered, the server ends in one state.

Duplicates, reordering, lost requests, lost answers and random request splits all end in
the state of one clean in-order delivery, and the journal holds every mutation.
"""
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from sync.testing import memory_store
from sync.testing import sample_world
from tests.unit.sync.histories import canonical
from tests.unit.sync.histories import deliver_clean
from tests.unit.sync.histories import deliver_messy
from tests.unit.sync.histories import histories
from tests.unit.sync.histories import journal_statuses
from tests.unit.sync.histories import losers_are_recorded
from tests.unit.sync.histories import schedules
from tests.unit.sync.histories import seed_followups

WORLD = sample_world()


def fresh_store():
    store = memory_store(WORLD)
    seed_followups(store, WORLD)
    return store


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=histories(WORLD), steps=schedules(), data=st.data())
def test_any_delivery_ends_where_a_clean_one_does(history, steps, data):
    clean, messy = fresh_store(), fresh_store()
    deliver_clean(clean, history)
    deliver_messy(messy, history, steps)

    assert canonical(messy.snapshot()) == canonical(clean.snapshot())
    # the journal holds every mutation, each decided the same way
    assert set(messy.journal_rows) == history.mutation_ids()
    assert journal_statuses(messy.journal_rows.values()) == journal_statuses(clean.journal_rows.values())
    assert "deferred" not in journal_statuses(messy.journal_rows.values()).values()
    # every follow-up edit that lost is listed for a supervisor
    assert losers_are_recorded(messy.snapshot()) == []
    assert losers_are_recorded(clean.snapshot()) == []


@settings(max_examples=30, deadline=None)
@given(history=histories(WORLD))
def test_delivering_twice_changes_nothing(history):
    store = fresh_store()
    deliver_clean(store, history)
    before = store.snapshot()
    deliver_clean(store, history)
    assert store.snapshot() == before
