"""``/m/rules.json``: the server's own schemas, as the phone checks a form before saving it."""
import pytest

from sync import schemas
from sync.handlers import HANDLERS
from tests.integration.phone.test_shell import worker


def test_every_mutation_type_is_described_from_its_schema(client):
    rules = client.get("/m/rules.json").json
    assert set(rules["types"]) == set(HANDLERS)
    check_in = rules["types"]["visit.check_in"]
    for name, field in schemas.VisitCheckInSchema._declared_fields.items():
        assert name in check_in
        if isinstance(field, schemas.Text):
            assert check_in[name]["max"] == field.max_length
    assert check_in["visitor_name"] == {"required": True, "required_message": "Please enter the visitor's name.",
                                        "kind": "text", "max": 60, "too_long": "This text is too long."}
    assert check_in["party_size"]["low"] == 1 and check_in["party_size"]["high"] == 99
    assert check_in["purpose"]["choices"] == list(schemas.PURPOSES)
    assert check_in["id_number"]["format"] == "id_number"
    assert rules["formats"]["phone"]["pattern"] == schemas.FORMATS["phone"]


def test_a_schema_changed_reaches_the_rules_and_the_worker_version(client, monkeypatch):
    """One source: a longer name allowed by the server is allowed by the next phone app."""
    version, _, _ = worker(client)
    field = schemas.VisitCheckInSchema._declared_fields["visitor_name"]
    monkeypatch.setattr(field, "max_length", 80)
    assert client.get("/m/rules.json").json["types"]["visit.check_in"]["visitor_name"]["max"] == 80
    assert worker(client)[0] != version


def test_the_rules_are_precached_and_their_messages_are_in_chinese(client):
    _, precache, _ = worker(client)
    assert "/m/rules.json" in precache
    rules = client.get("/m/rules.json").json
    zh = client.get("/m/i18n/zh_CN.json").json["messages"]
    messages = {rules["id_number"][k] for k in ("check_failed", "not_resident", "with_no_document")}
    messages |= {f[k] for t in rules["types"].values() for f in t.values()
                 for k in ("message", "required_message", "too_long") if k in f}
    assert len(messages) > 20
    assert all(zh.get(msgid, msgid) != msgid for msgid in messages), [m for m in messages if zh.get(m, m) == m]
    assert zh[rules["id_number"]["check_failed"]].startswith("证件号码最后一位")


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_the_catalogues_hold_the_rule_messages(client, locale):
    messages = client.get(f"/m/i18n/{locale}.json").json["messages"]
    assert "Please enter the visitor's name." in messages
