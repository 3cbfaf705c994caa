"""The SQLite database and instance/ hold visitors' data: nobody but the app's user reads them."""
import stat

from app import create_app
from app.config import private_sqlite_file


def test_a_new_sqlite_database_is_owner_only(tmp_path):
    path = tmp_path / "estate.db"
    create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "x"})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_an_existing_world_readable_one_is_closed(tmp_path):
    path = tmp_path / "old.db"
    path.write_bytes(b"")
    path.chmod(0o644)
    private_sqlite_file(f"sqlite:///{path}")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_instance_folder_is_owner_only(tmp_path, monkeypatch):
    from app import config
    monkeypatch.setattr(config, "INSTANCE", tmp_path / "instance")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    config._secret_key()
    assert stat.S_IMODE((tmp_path / "instance").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "instance" / "secret_key").stat().st_mode) == 0o600


def test_postgresql_connections_run_without_jit():
    """The office's aggregates are slower with PostgreSQL's JIT than without (bench/README.md)."""
    from tests.conftest import database_url
    url = database_url()
    if not url.startswith("postgresql"):
        import pytest
        pytest.skip("this run is on SQLite; the PostgreSQL leg checks it")
    from sqlalchemy import text

    from app.extensions import db
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x"})
    with app.app_context():
        assert db.session.scalar(text("SHOW jit")) == "off"
        db.session.remove()
        db.engine.dispose()
