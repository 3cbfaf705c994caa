"""Visitors' ID and phone numbers never reach the server's logs."""
import logging

import pytest
import sqlalchemy as sa


def test_failed_statements_do_not_carry_their_parameters(app, ctx):
    """A database error is logged with its statement but without the values bound to it."""
    from app.extensions import db

    secret = "110101199001061234"
    with pytest.raises(sa.exc.DBAPIError) as err:
        with db.engine.begin() as conn:
            conn.execute(sa.text("SELECT * FROM no_such_table WHERE x = :v"), {"v": secret})
    assert secret not in str(err.value)


def test_an_unhandled_error_logs_no_request_body(caplog):
    """The 500 handler logs method and path only, never what the phone sent."""
    from app import create_app
    from app.extensions import csrf
    from tests.conftest import make_config

    secret = "110101199001061234"
    app = create_app(make_config(TESTING=False))

    @app.route("/__boom", methods=["POST"])
    @csrf.exempt
    def boom():
        raise RuntimeError("boom")

    with caplog.at_level(logging.ERROR):
        response = app.test_client().post("/__boom", json={"id_number": secret})
    from app.extensions import db
    with app.app_context():
        db.engine.dispose()
    assert response.status_code == 500
    assert "POST /__boom" in caplog.text
    assert secret not in caplog.text
