"""An answer lost on the way back: the phone pushes again and still learns what went wrong."""
import uuid

import pytest

pytestmark = pytest.mark.browser


def test_a_rejection_whose_answer_was_lost_still_needs_attention(phone, live):
    """Pushed, rejected, answer lost; pushed again: a `duplicate` that still needs attention."""
    page = phone.page
    phone.sign_in("guard1")
    name = f"丢失{uuid.uuid4().hex[:4]}"
    page.evaluate("""(name) => import('/static/js/lib/outbox.js').then(async (o) => {
      const siteId = await (await import('/static/js/lib/session.js')).currentSite();
      await o.record({ mutations: [{ type: 'visit.check_in', entity_id: crypto.randomUUID(),
        data: { site_id: siteId, visitor_name: name, purpose: 'sightseeing', party_size: 1 } }] });
    })""", name)
    mutation_id = phone.outbox()[0]["id"]

    # The server journals and rejects it, but the phone never hears the answer.
    live.faults(every=1, mode="timeout", delay=0.1)
    phone.sync()
    live.faults(0)
    assert [e["id"] for e in phone.outbox()] == [mutation_id]
    assert live.query("SELECT status FROM sync_journal WHERE mutation_id = ?", (mutation_id,)) == [("rejected",)]

    # The retry is answered `duplicate`, carrying the first answer's errors.
    assert phone.sync_until_empty() == 0
    attention = phone.dump(["attention"])["attention"]
    assert [a["id"] for a in attention] == [mutation_id]
    assert "purpose" in attention[0]["errors"]
    assert live.query("SELECT duplicates FROM sync_journal WHERE mutation_id = ?", (mutation_id,)) == [(1,)]
