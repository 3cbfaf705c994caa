"""Admin pages for a site's notification channels: group robots and a mail server, each
with a "send a test" button. Addresses and secrets are sealed and never shown again."""
from urllib.parse import urlsplit

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import bp
from app.admin import lookups
from app.admin.forms import ActionForm
from app.admin.forms import ChannelForm
from app.admin.views import form_page
from app.extensions import db
from app.models import NotifyChannel
from app.models import Site
from app.models import utcnow
from app.notify.probe import send_test
from app.scoping import get_scoped_or_404
from app.scoping import scoped

MAIL_OPTIONS = ("host", "port", "username", "sender", "starttls")


def where(channel: NotifyChannel) -> str:
    """What the list shows of a channel's address: the robot's host or the mail server."""
    if channel.kind == "email":
        options = channel.options or {}
        return f"{options.get('host', '')}:{options.get('port') or 25}"
    return urlsplit(channel.url or "").hostname or ""


@bp.route("/channels")
def channels():
    """Each site's channels for notifications, with their kind, where they go and a test button."""
    site = lookups.site_filter()
    stmt = scoped(NotifyChannel)
    if site is not None:
        stmt = stmt.where(NotifyChannel.site_id == site.id)
    rows = list(db.session.scalars(stmt.join(Site, Site.id == NotifyChannel.site_id)
                                   .order_by(Site.name, NotifyChannel.name)))
    return render_template("admin/channels.html", channels=rows, site=site, where=where, action=ActionForm(),
                           sites={s.id: s for s in lookups.visible_sites()})


def _save(form: ChannelForm, channel: NotifyChannel) -> None:
    channel.kind, channel.name, channel.active = form.kind.data, form.name.data, form.active.data
    if form.url.data:
        channel.url = form.url.data
    if form.secret.data:
        channel.secret = form.secret.data
    if channel.kind == "email":
        channel.url = None
        channel.options = {name: getattr(form, name).data for name in MAIL_OPTIONS}
    else:
        channel.options = {}


@bp.route("/channels/new", methods=["GET", "POST"])
def channel_new():
    """A new channel at one of the admin's sites."""
    site = lookups.site_filter()
    form = ChannelForm(site_id=site.id if site else None)
    form.site_id.choices = lookups.site_choices()
    if form.validate_on_submit():
        channel = NotifyChannel(site_id=form.site_id.data)
        _save(form, channel)
        db.session.add(channel)
        db.session.commit()
        flash(_("Channel %(name)s saved: send a test to check it.", name=channel.name), "success")
        return redirect(url_for("admin.channels", site=channel.site_id))
    return form_page("admin/channel_form.html", form=form, channel=None)


@bp.route("/channels/<channel_id>/edit", methods=["GET", "POST"])
def channel_edit(channel_id):
    """Change a channel; an empty address or secret keeps the stored one."""
    channel = get_scoped_or_404(NotifyChannel, channel_id)
    form = ChannelForm(obj=channel, stored_url=bool(channel.url), **{
        name: (channel.options or {}).get(name) for name in MAIL_OPTIONS if channel.options})
    del form.site_id
    if not form.is_submitted():
        form.url.data = ""  # the stored address holds the robot's token: never shown again
    if form.validate_on_submit():
        _save(form, channel)
        channel.updated_at = utcnow()
        db.session.commit()
        flash(_("Channel %(name)s saved: send a test to check it.", name=channel.name), "success")
        return redirect(url_for("admin.channels", site=channel.site_id))
    return form_page("admin/channel_form.html", form=form, channel=channel,
                     site=db.session.get(Site, channel.site_id))


@bp.route("/channels/<channel_id>/test", methods=["POST"])
def channel_test(channel_id):
    """Send a test message now and say whether it arrived."""
    channel = get_scoped_or_404(NotifyChannel, channel_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    site = db.session.get(Site, channel.site_id)
    failed = send_test(channel, site.name, current_user, utcnow())
    if failed is None:
        flash(_("Test message sent to %(name)s.", name=channel.name), "success")
    else:
        flash(_("The test message to %(name)s was not delivered (%(reason)s): check the address and secret.",
                name=channel.name, reason=failed), "error")
    return redirect(url_for("admin.channels", site=channel.site_id))
