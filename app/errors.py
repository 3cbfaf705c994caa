"""One error shape for API clients, HTML pages for browsers, chosen per request.

API codes (``error.code``):

========================  ======  ===============================================
code                      status  meaning
========================  ======  ===============================================
bad_request               400     the body is not JSON or not the expected shape
validation_error          422     fields are wrong; ``details`` maps field -> messages
unauthorized              401     sign in again (the phone keeps its outbox)
invalid_credentials       401     POST /api/v1/session with a wrong username or password, or /session/post with a spent code
device_mismatch           401     a sync whose ``device_id`` is not the device the token was issued to
csrf_failed               400     a cookie-authenticated change without X-CSRFToken
forbidden                 403     signed in, but not allowed to do this
password_change_required  403     a desktop cookie of someone who must first choose a new password
not_found                 404     no such thing (or not yours to know about)
method_not_allowed        405
conflict                  409     a photo id uploaded again with other bytes; the first stands
payload_too_large         413     over 500 mutations, 2 MiB, or the photo limit
unsupported_media         415     a photo that is not JPEG or PNG
too_many_requests         429     too many failed sign-ins; see ``Retry-After``
server_error              500
========================  ======  ===============================================
"""
from flask import jsonify
from flask import render_template
from flask import request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media",
    422: "validation_error",
    429: "too_many_requests",
    500: "server_error",
}


def default_message(status: int) -> str:
    messages = {
        400: _("The request could not be understood."),
        401: _("Please sign in again."),
        403: _("You are not allowed to do this."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        413: _("The request is too large."),
        415: _("This file type is not accepted."),
        422: _("Some fields are not valid."),
        429: _("Too many attempts. Please wait and try again."),
        500: _("Something went wrong on the server. Nothing you sent was lost; please try again."),
    }
    return messages.get(status, _("Something went wrong."))


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def api_error(status: int, code: str | None = None, message: str | None = None,
              details: dict | None = None, headers: dict | None = None):
    """The JSON error envelope of SYNC.md: ``{"error": {"code", "message", "details"}}``."""
    body = {"error": {
        "code": code or CODES.get(status, "error"),
        "message": message or default_message(status),
        "details": details or {},
    }}
    response = jsonify(body)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def error_response(status: int, message: str | None = None, code: str | None = None,
                   details: dict | None = None, headers: dict | None = None):
    if wants_json():
        return api_error(status, code, message, details, headers)
    html = render_template("errors/error.html", status=status,
                           message=message or default_message(status)), status
    response = html
    if headers:
        from flask import make_response
        response = make_response(html)
        for key, value in headers.items():
            response.headers[key] = value
    return response


def register_errorhandlers(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(err):
        return error_response(400, _("The form has expired. Please reload the page and try again."),
                              code="csrf_failed")

    @app.errorhandler(HTTPException)
    def http_error(err):
        headers = {}
        if err.code == 429 and getattr(err, "retry_after", None):
            headers["Retry-After"] = str(err.retry_after)
        if err.code == 405 and err.valid_methods:
            headers["Allow"] = ", ".join(err.valid_methods)
        message = getattr(err, "user_message", None)
        return error_response(err.code or 500, message, headers=headers)

    @app.errorhandler(Exception)
    def server_error(err):
        # Whatever the failed request half-wrote goes, so a 500 leaves nothing behind and
        # the session serves the next request clean.
        from app.extensions import db
        db.session.rollback()
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500)
