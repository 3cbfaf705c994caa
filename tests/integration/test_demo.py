"""The demo company: every demo sign-in works on the desktop and from a phone."""
from tests.factories import Phone

DEMO_USERS = ["guard1", "manager1", "guard2", "manager2", "supervisor1", "admin1"]


def test_each_demo_user_signs_in_at_login_and_api(app, client, auth):
    with app.app_context():
        from app.demo import seed_demo
        assert seed_demo() is True
    for username in DEMO_USERS:
        response = auth.login(username)
        assert response.status_code == 302, (username, response.get_data(as_text=True))
        home = client.get("/", follow_redirects=True)
        assert home.status_code == 200 and "您好" in home.get_data(as_text=True), username
        auth.logout()
        phone = Phone(client)
        signed = phone.sign_in(username)
        assert signed.status_code == 200, username
        assert signed.json["user"]["username"] == username
        assert signed.json["user"]["site_ids"], f"{username} works at no site"
