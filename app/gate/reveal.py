"""Revealing one visitor's full ID or phone number at the desk, for a reason, on the record.

Office pages show numbers masked. A supervisor (the quality department among them) or an
admin who needs one (the police ask, a visitor disputes a record) names the number and
gives a reason; the reveal is written to the audit log and committed first, then the
page shows the number in that one answer, which no cache keeps. Managers and guards may
not (403); a visit of another site is not found (404).
"""
from flask import abort
from flask import make_response
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.gate import bp
from app.gate.forms import RevealForm
from app.gate.routes import visit_of_or_404
from app.gate.routes import visit_page
from app.office.access import may_reveal
from app.office.access import review_required
from app.privacy import audit


@bp.route("/visits/<visit_id>/reveal", methods=["POST"])
@review_required
def reveal(visit_id):
    """Show one full number of the visit, once, after recording who asked and why."""
    if not may_reveal(current_user):
        abort(403)
    row = visit_of_or_404(visit_id)
    form = RevealForm()
    if form.validate_on_submit():
        value = getattr(row, form.field.data)
        if value:
            audit.record(audit.REVEAL, "visit", row.id, field=form.field.data, reason=form.reason.data,
                         site_id=row.site_id)
            db.session.commit()
            response = make_response(visit_page(row, reveal_form=RevealForm(formdata=None),
                                                revealed=(form.field.data, value)))
            response.headers["Cache-Control"] = "no-store"
            return response
        form.field.errors = list(form.field.errors) + [_("This visit has no such number.")]
    return visit_page(row, reveal_form=form), 422
