"""``flask --app wsgi followups sweep [--now ISO] [--site CODE]``, for cron or a systemd timer."""
from __future__ import annotations

from datetime import datetime
from datetime import timezone

import click
from flask.cli import with_appcontext

from sync import sweep as rules


@click.group("followups")
def followups_group():
    """Follow-ups the server opens, escalates and settles on its own."""


def parse_now(value: str | None) -> datetime:
    """The moment to sweep as of: ISO 8601 with an offset, or the clock."""
    if value is None:
        return datetime.now(timezone.utc)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use ISO 8601, e.g. 2026-11-27T23:30:00+08:00", param_hint="--now")
    if moment.tzinfo is None:
        raise click.BadParameter("include the offset, e.g. +08:00", param_hint="--now")
    return moment.astimezone(timezone.utc)


@followups_group.command("sweep")
@click.option("--now", "now_text", metavar="ISO", help="Sweep as of this moment (default: now).")
@click.option("--site", "site_codes", multiple=True, metavar="CODE",
              help="Only this site; repeat for several (default: every site).")
@with_appcontext
def sweep_command(now_text, site_codes):
    """Settle, open and escalate follow-ups at every site; safe to run again or on two servers."""
    from app.followups.sweep import run
    from app.followups.sweep import unknown_sites

    now = parse_now(now_text)
    unknown = unknown_sites(site_codes)
    if unknown:
        raise click.BadParameter(f"no such site: {', '.join(unknown)}", param_hint="--site")
    reports = run(now, tuple(site_codes))
    for report in reports:
        if report.error:
            click.echo(f"{report.code} {report.name}: failed ({report.error}), nothing changed", err=True)
            continue
        kinds = ", ".join(f"{kind} {report.done[kind]}" for kind in rules.KINDS if report.done[kind])
        click.echo(f"{report.code} {report.name}: settled {report.done['settled']}, "
                   f"opened {report.opened}{f' ({kinds})' if kinds else ''}, "
                   f"escalated {report.done['escalated']}")
    click.echo(f"swept {len(reports)} site(s) as of {now.isoformat()}")
    if any(r.error for r in reports):
        raise SystemExit(1)
