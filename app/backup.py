"""``flask --app wsgi backup [--to PATH]``: a copy of the database, taken while the app runs.

SQLite: sqlite3's online backup (``Connection.backup``) copies the database in one step
from a consistent snapshot, into ``instance/backups/estate-YYYYmmdd-HHMMSS.db`` (owner-only)
unless ``--to`` names a file or a folder. The app can go on serving: a write that comes
during the copy waits for it (SQLite connections wait up to 5 s for a lock) and is in the
next backup. The copy is checked with ``PRAGMA integrity_check`` before it is reported.

PostgreSQL: the command makes no copy. It prints the ``pg_dump -Fc`` command to run
(``pg_dump`` must match the server's version, and the password belongs in ``~/.pgpass``
or ``PGPASSWORD``, not in a command line) and exits with status 1, so that a cron job that
calls it by mistake fails loudly instead of leaving no backup behind.

Neither holds the keys: ``instance/data_key`` (or ``DATA_KEY``), without which visitors'
ID and phone numbers cannot be read, and ``instance/secret_key`` (or ``SECRET_KEY``). Keep
them apart from the backups. Photos are files in ``PHOTO_DIR``. See the README.
"""
from __future__ import annotations

import os
import shlex
import sqlite3
from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from app import config

KEYS_REMINDER = ("Keep instance/data_key (or DATA_KEY) and instance/secret_key (or SECRET_KEY) apart "
                 "from the backups: without the data key visitors' ID and phone numbers cannot be read. "
                 "Photos are files in PHOTO_DIR.")


class BackupError(click.ClickException):
    """A backup that could not be made; nothing is left half-written."""


def default_name(now: datetime) -> str:
    return f"estate-{now:%Y%m%d-%H%M%S}.db"


def target_path(to: str | None, now: datetime) -> Path:
    """Where the copy goes: ``--to`` (a file, or a folder for the default name), else instance/backups/."""
    if to is None:
        folder = config.private_instance() / "backups"
        folder.mkdir(mode=0o700, exist_ok=True)
        return folder / default_name(now)
    path = Path(to).expanduser()
    if path.is_dir():
        return path / default_name(now)
    return path


def backup_sqlite(source: Path, target: Path) -> str:
    """Copy the SQLite database ``source`` into the new file ``target`` (0600); its integrity check."""
    if not source.is_file():
        raise BackupError(f"no SQLite database at {source}")
    try:
        # Owner-only from the first byte; O_EXCL: an existing file is never overwritten.
        os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        raise BackupError(f"{target} exists already; nothing was written") from None
    except OSError as err:
        raise BackupError(f"cannot create {target}: {err.strerror}") from None
    try:
        reader = sqlite3.connect(source, timeout=30)
        copy = sqlite3.connect(target)
        try:
            reader.backup(copy)  # one step: a consistent snapshot of the whole database
            verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            copy.close()
            reader.close()
    except sqlite3.Error as err:
        target.unlink(missing_ok=True)
        raise BackupError(f"the backup failed: {err}") from None
    if verdict != "ok":
        target.unlink(missing_ok=True)
        raise BackupError(f"the copy failed its integrity check ({verdict}); it was removed")
    return verdict


def pg_dump_command(url: str, now: datetime) -> str:
    """The ``pg_dump`` that backs this PostgreSQL database up, without its password."""
    parsed = make_url(url)
    parts = ["pg_dump", "-Fc"]
    for flag, value in (("-h", parsed.host), ("-p", parsed.port), ("-U", parsed.username)):
        if value:
            parts += [flag, str(value)]
    parts += ["-f", f"estate-{now:%Y%m%d-%H%M%S}.dump", parsed.database or ""]
    return shlex.join(parts)


@click.command("backup")
@click.option("--to", "to", default=None, metavar="PATH",
              help="a file to create, or a folder for estate-YYYYmmdd-HHMMSS.db (default: instance/backups/)")
@with_appcontext
def backup_command(to):
    """Back up the database while the app runs (SQLite); print the pg_dump to use (PostgreSQL)."""
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    now = datetime.now()
    if url.startswith("postgresql"):
        click.echo("This database is PostgreSQL: back it up with its own tools, for example")
        click.echo(f"  {pg_dump_command(url, now)}")
        click.echo("and restore with pg_restore (see the README). Nothing was written.")
        click.echo(KEYS_REMINDER)
        raise SystemExit(1)
    database = make_url(url).database
    if not url.startswith("sqlite") or not database or database == ":memory:":
        raise BackupError(f"cannot back up {make_url(url).render_as_string(hide_password=True)}")
    target = target_path(to, now)
    backup_sqlite(Path(database).resolve(), target)
    click.echo(f"backed up to {target} ({target.stat().st_size} bytes, integrity ok)")
    click.echo(KEYS_REMINDER)
