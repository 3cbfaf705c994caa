"""Small helpers the admin views share: rendering a form page and saving safely."""
from flask import render_template
from flask import request
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.extensions import db


def form_page(template: str, **context):
    """A form page: 200 when shown, 422 when a submitted form comes back with errors.

    A valid submission redirects, so any POST that ends up rendering the form failed.
    """
    status = 422 if request.method == "POST" else 200
    return render_template(template, **context), status


def commit_or_error(field) -> bool:
    """Commit; when a unique constraint trips (someone saved the same code just now),
    roll back, put a message on ``field`` and report failure."""
    try:
        db.session.commit()
        return True
    except IntegrityError:
        db.session.rollback()
        field.errors = list(field.errors) + [_("This value is already in use.")]
        return False
