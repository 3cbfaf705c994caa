"""Mistakes a guard sees where they are made, offline, before anything is saved."""
import json
import uuid
from pathlib import Path

from sync import messages as m

CASES = json.loads((Path(__file__).parents[1] / "fixtures" / "id_number_cases.json").read_text("utf-8"))["cases"]

RUN_CASES = """async (cases) => {
  const r = await import('/static/js/lib/rules.js');
  const rules = await r.formRules();
  return cases.map((c) => ({ ...c, got: r.idNumberProblem(rules, c.kind, c.number) }));
}"""

IN_VIEW = """(el) => {
  const box = el.getBoundingClientRect();
  return box.top >= 0 && box.bottom <= window.innerHeight && box.height > 0;
}"""


def offline_at_the_gate(phone, live):
    phone.sign_in("guard1")
    phone.offline()
    phone.open("gate")


def test_the_phone_judges_every_shared_id_number_as_the_server(phone):
    page = phone.page
    page.goto("/m/login")
    results = page.evaluate(RUN_CASES, CASES)
    wrong = [f"{r['kind']} {r['number']!r}: {r['got']!r}" for r in results
             if r["got"] != (getattr(m, r["problem"]) if r["problem"] else None)]
    assert len(results) == len(CASES)
    assert not wrong, "\n".join(wrong)


def test_an_empty_form_marks_each_field_and_focuses_the_first(phone, live, shots):
    page = phone.page
    offline_at_the_gate(phone, live)
    page.fill("#checkin-form input[name=party_size]", "")
    page.click("#checkin-form button[type=submit] >> nth=-1")  # the lower button, far from the name
    name_error = page.locator("#checkin-form #error-visitor_name")
    name_error.wait_for()
    assert name_error.text_content() == "请填写访客姓名。"
    assert page.locator("#error-purpose").text_content() == "请选择来访事由。"
    assert page.locator("#error-party_size").text_content().startswith("请填写来访人数")
    assert page.evaluate("document.activeElement.name") == "visitor_name"
    assert page.get_attribute("#checkin-form input[name=visitor_name]", "aria-invalid") == "true"
    assert page.locator("#checkin-form input[name=visitor_name]").evaluate(IN_VIEW)
    assert name_error.evaluate(IN_VIEW)
    page.screenshot(path=str(shots / "gate-errors.png"))
    assert phone.outbox() == []

    page.fill("#checkin-form input[name=visitor_name]", "李师傅")
    page.click("label[for=purpose-delivery]")
    page.fill("#checkin-form input[name=party_size]", "2")
    page.click("#checkin-submit")
    phone.wait_saved()
    assert page.locator(".field-error").count() == 0
    assert [e["data"]["party_size"] for e in phone.outbox()] == [2]


def test_a_long_name_is_refused_on_the_phone(phone, live):
    page = phone.page
    offline_at_the_gate(phone, live)
    page.fill("#checkin-form input[name=visitor_name]", "王" * 10_000)
    assert len(page.input_value("#checkin-form input[name=visitor_name]")) == 60  # typing stops at the limit
    # Text set by a script (or an old draft) skips maxlength: the check still holds.
    page.eval_on_selector("#checkin-form input[name=visitor_name]", "(el) => { el.value = '王'.repeat(10000); }")
    page.click("label[for=purpose-visit]")
    page.click("#checkin-submit")
    error = page.locator("#error-visitor_name")
    error.wait_for()
    assert error.text_content() == "内容太长了。 最多 60 个字符。"
    assert error.evaluate(IN_VIEW)
    assert phone.outbox() == []


def test_a_mistyped_id_number_stays_in_view_until_mended(phone, live, shots):
    """A wrong check character is shown, not masked; once mended the visit reaches the
    server with the number and the document chosen."""
    page = phone.page
    offline_at_the_gate(phone, live)
    name = f"证件{uuid.uuid4().hex[:4]}"
    page.fill("#checkin-form input[name=visitor_name]", name)
    page.click("label[for=purpose-visit]")
    page.fill("#checkin-form input[name=id_number]", "110101199001141235")
    page.wait_for_selector("#id-info .notice.error")
    assert page.input_value("#checkin-form input[name=id_number]") == "110101199001141235"
    assert "最后一位" in page.text_content("#id-info")
    page.locator("#id-info").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "gate-id-typo.png"))
    page.click("#checkin-submit")
    page.locator("#error-id_number").wait_for()
    assert page.evaluate("document.activeElement.name") == "id_number"
    assert page.locator("#error-id_number").evaluate(IN_VIEW)
    assert phone.outbox() == []

    page.fill("#checkin-form input[name=id_number]", "110101199001141234")
    page.press("#checkin-form input[name=id_number]", "Tab")
    assert page.input_value("#checkin-form input[name=id_number]") == "110101********1234"
    page.click("#checkin-submit")
    phone.wait_saved()
    [entry] = phone.outbox()
    assert entry["data"]["id_kind"] == "resident" and entry["data"]["id_number"] == "110101199001141234"

    phone.online()
    assert phone.sync_until_empty() == 0
    assert live.query("SELECT id_kind, id_number IS NOT NULL FROM visits WHERE visitor_name = ?", (name,)) == \
        [("resident", 1)]


def test_a_passport_needs_other_document_and_no_document_sends_no_number(phone, live):
    page = phone.page
    offline_at_the_gate(phone, live)
    page.fill("#checkin-form input[name=visitor_name]", "Smith")
    page.click("label[for=purpose-visit]")
    page.fill("#checkin-form input[name=id_number]", "E12345678")
    page.press("#checkin-form input[name=id_number]", "Tab")
    assert "居民身份证号码为18位" in page.text_content("#id-info")
    page.click("label[for=id_kind-other]")
    assert page.input_value("#checkin-form input[name=id_number]") == "E1***5678"
    page.click("#checkin-submit")
    phone.wait_saved()

    page.fill("#checkin-form input[name=visitor_name]", "陈先生")
    page.click("label[for=purpose-visit]")
    page.click("label[for=id_kind-none]")
    assert page.locator("#id-field").is_hidden()
    page.click("#checkin-submit")
    phone.wait_saved()
    sent = {e["data"]["visitor_name"]: e["data"] for e in phone.outbox()}
    assert sent["Smith"]["id_kind"] == "other" and sent["Smith"]["id_number"] == "E12345678"
    assert sent["陈先生"]["id_kind"] == "none" and "id_number" not in sent["陈先生"]
