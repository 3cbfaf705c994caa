"""``flask --app wsgi privacy purge [--dry-run] [--site CODE] [--now ISO]``, for cron or a systemd timer."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from app.followups.commands import parse_now


@click.group("privacy")
def privacy_group():
    """Visitors' personal data: retention."""


@privacy_group.command("purge")
@click.option("--dry-run", is_flag=True, help="Count what would be removed; change nothing.")
@click.option("--site", "site_codes", multiple=True, metavar="CODE",
              help="Only this site; repeat for several (default: every site).")
@click.option("--now", "now_text", metavar="ISO", help="Purge as of this moment (default: now).")
@with_appcontext
def purge_command(dry_run, site_codes, now_text):
    """Remove visitors' ID and phone numbers older than each site's retention; safe to run twice."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Site
    from app.privacy import purge

    now = parse_now(now_text)
    if site_codes:
        known = set(db.session.scalars(select(Site.code).where(Site.code.in_(site_codes))))
        unknown = [code for code in site_codes if code not in known]
        if unknown:
            raise click.BadParameter(f"no such site: {', '.join(unknown)}", param_hint="--site")
    outcome = purge.run(now, tuple(site_codes), dry_run=dry_run)
    verb = "would remove" if dry_run else "removed"
    for report in outcome.sites:
        if report.error:
            click.echo(f"{report.code} {report.name}: failed ({report.error}), nothing changed", err=True)
            continue
        click.echo(f"{report.code} {report.name}: {verb} the numbers of {report.visits} visit(s) and "
                   f"{report.journal_rows} journal row(s) checked in before "
                   f"{report.cutoff.isoformat(timespec='seconds')} ({report.days} days)")
    click.echo(f"journal rows of no visit: {verb} the numbers of {outcome.unlinked}")
    click.echo(f"{'dry run, nothing changed: ' if dry_run else ''}purged {len(outcome.sites)} site(s) "
               f"as of {now.isoformat(timespec='seconds')}")
    if any(r.error for r in outcome.sites):
        raise SystemExit(1)
