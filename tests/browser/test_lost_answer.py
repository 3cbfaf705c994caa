"""An answer lost on the way back: the retry's `duplicate` still tells the guard what went wrong.

The server side (a repeat of a rejected mutation is a `duplicate` with `first_status`
"rejected" and the first errors) is tested in tests/integration/faults/test_lost_answer.py;
this is the phone's half, on its real outbox in IndexedDB.
"""
import uuid

import pytest

pytestmark = pytest.mark.browser


def test_a_duplicate_of_a_rejection_goes_to_needs_attention(phone, live):
    page = phone.page
    phone.sign_in("guard1")
    live.faults(every=1, mode="fail")  # keep the app's own sync from answering first
    name = f"丢失{uuid.uuid4().hex[:4]}"
    outcome = page.evaluate("""(name) => import('/static/js/lib/outbox.js').then(async (o) => {
      const siteId = await (await import('/static/js/lib/session.js')).currentSite();
      const good = crypto.randomUUID(), bad = crypto.randomUUID();
      await o.record({ mutations: [
        { type: 'visit.check_in', entity_id: bad,
          data: { site_id: siteId, visitor_name: name, purpose: 'sightseeing', party_size: 1 } },
        { type: 'visit.check_in', entity_id: good,
          data: { site_id: siteId, visitor_name: name + '2', purpose: 'visit', party_size: 1 } },
      ] });
      const user = await (await import('/static/js/lib/db.js')).getMeta('user');
      const sent = await o.entries(user.id);
      const [first, second] = sent;
      const answered = await o.acknowledge(sent, [
        { id: first.id, status: 'duplicate', first_status: 'rejected', entity_id: first.entity_id,
          errors: { purpose: ['请选择来访事由'] }, code: null },
        { id: second.id, status: 'duplicate', first_status: 'applied', entity_id: second.entity_id },
      ]);
      return { answered, ids: [first.id, second.id] };
    })""", name)
    live.faults(0)
    assert outcome["answered"] == 2
    assert phone.outbox() == []
    attention = phone.dump(["attention"])["attention"]
    assert [a["id"] for a in attention] == [outcome["ids"][0]]
    assert attention[0]["errors"] == {"purpose": ["请选择来访事由"]}
