"""``flask --app wsgi notify run [--once] [--now ISO]``, for systemd or cron; safe on several servers."""
from __future__ import annotations

import time
from datetime import datetime
from datetime import timedelta
from datetime import timezone

import click
from flask import current_app
from flask.cli import with_appcontext

from app.followups.commands import parse_now

IDLE_SECONDS = 10


@click.group("notify")
def notify_group():
    """Notifications: send what the outbox holds."""


@notify_group.command("run")
@click.option("--once", is_flag=True, help="Send what is due now, then stop (for cron).")
@click.option("--now", "now_text", metavar="ISO", help="Send as of this moment (default: the clock).")
@click.option("--batch", default=50, show_default=True, help="Notices claimed at a time.")
@click.option("--lease", "lease_seconds", default=300, show_default=True,
              help="Seconds a claim holds before another worker may take the notice over.")
@with_appcontext
def run_command(once, now_text, batch, lease_seconds):
    """Send due notifications on their sites' channels; retried with back-off, never twice recorded."""
    from app.notify.worker import run_once
    from app.notify.worker import worker_name

    base = (current_app.config.get("PUBLIC_URL") or "http://localhost").rstrip("/")
    name = worker_name()
    lease = timedelta(seconds=lease_seconds)
    while True:
        now = parse_now(now_text) if now_text else datetime.now(timezone.utc)
        with current_app.test_request_context("/", base_url=base):
            done = run_once(now, name, batch, lease)
        if done:
            click.echo(", ".join(f"{outcome} {count}" for outcome, count in sorted(done.items())))
        if sum(done.values()) < batch:
            if once:
                break
            time.sleep(IDLE_SECONDS)
