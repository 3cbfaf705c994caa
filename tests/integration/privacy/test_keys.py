"""The data key: values round-trip, are bound to their column, and lookups need the key."""
import pytest
from cryptography.exceptions import InvalidTag

from app import create_app
from app.privacy import keys
from tests.conftest import make_config


def test_round_trip_and_fresh_nonce(app):
    with app.app_context():
        one, two = keys.encrypt("13800001111", "visit.phone"), keys.encrypt("13800001111", "visit.phone")
        assert one != two and "13800001111" not in one
        assert keys.decrypt(one, "visit.phone") == "13800001111"
        assert keys.is_encrypted(one) and not keys.is_encrypted("13800001111")


def test_ciphertext_moved_to_another_column_does_not_open(app):
    with app.app_context():
        token = keys.encrypt("110101199001061234", "visit.id_number")
        with pytest.raises(InvalidTag):
            keys.decrypt(token, "visit.phone")


def test_lookup_mac_is_stable_and_depends_on_the_key(app):
    with app.app_context():
        mac = keys.lookup_mac("phone", "13800001111")
        assert mac == keys.lookup_mac("phone", "13800001111") != keys.lookup_mac("id", "13800001111")
        assert keys.lookup_mac("phone", "") is None
    other = create_app(make_config(DATA_KEY=keys.new_key_text()))
    with other.app_context():
        assert keys.lookup_mac("phone", "13800001111") != mac


def test_a_malformed_key_is_refused(app):
    bad = create_app(make_config(DATA_KEY="too-short"))
    with bad.app_context(), pytest.raises(keys.DataKeyError):
        keys.encrypt("x", "visit.phone")


def test_without_a_configured_key_one_is_made_once_owner_only(tmp_path, monkeypatch):
    from app import config
    monkeypatch.setattr(config, "INSTANCE", tmp_path / "instance")
    monkeypatch.delenv("DATA_KEY", raising=False)
    app = create_app(make_config(DATA_KEY=None))
    with app.app_context():
        token = keys.encrypt("13800001111", "visit.phone")
    path = tmp_path / "instance" / "data_key"
    assert path.stat().st_mode & 0o777 == 0o600
    again = create_app(make_config(DATA_KEY=None))
    with again.app_context():
        assert keys.decrypt(token, "visit.phone") == "13800001111"
