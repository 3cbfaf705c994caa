"""The admin's channel pages: a robot saved with its secret sealed, never shown again, and
a test message that says whether it arrived."""
from sqlalchemy import select
from sqlalchemy import text

from app.extensions import db
from app.models import NotifyChannel
from tests import factories


def form(client, path, **data):
    token = factories.csrf_from(client.get(path))
    return client.post(path, data={"csrf_token": token, **data})


def test_a_dingtalk_robot_is_saved_sealed_and_tested(app, world, receiver):
    admin = factories.desk_client(app, "admin1")
    response = form(admin, "/admin/channels/new", site_id=world.site1, kind="dingtalk", name="翠湖值班群",
                    url=f"{receiver.url}/robot/send?access_token=tok123", secret="SECsecret", active="y")
    assert response.status_code == 302
    with app.app_context():
        channel = db.session.scalar(select(NotifyChannel))
        assert channel.url.endswith("access_token=tok123") and channel.secret == "SECsecret"
        stored = db.session.execute(text("SELECT url, secret FROM notify_channels")).one()
        assert "tok123" not in stored.url and "SECsecret" not in stored.secret
        ident = channel.id

    page = admin.get("/admin/channels").get_data(as_text=True)
    assert "翠湖值班群" in page and "127.0.0.1" in page and "tok123" not in page
    edit = admin.get(f"/admin/channels/{ident}/edit").get_data(as_text=True)
    assert "tok123" not in edit and "SECsecret" not in edit

    token = factories.csrf_from(admin.get("/admin/channels"))
    answer = admin.post(f"/admin/channels/{ident}/test", data={"csrf_token": token}, follow_redirects=True)
    assert "测试消息已发送" in answer.get_data(as_text=True)
    (got,) = receiver.received
    assert got.query["access_token"] == "tok123" and got.query["sign"] and got.query["timestamp"]
    assert got.body["msgtype"] == "markdown" and "翠湖花园" in got.body["markdown"]["text"]

    # an edit that leaves the address and secret empty keeps them
    assert form(admin, f"/admin/channels/{ident}/edit", kind="dingtalk", name="翠湖值班群2", url="", secret="",
                active="y").status_code == 302
    with app.app_context():
        channel = db.session.get(NotifyChannel, ident)
        assert (channel.name, channel.secret) == ("翠湖值班群2", "SECsecret") and "tok123" in channel.url


def test_a_robot_that_does_not_answer_is_reported(app, world):
    admin = factories.desk_client(app, "admin1")
    form(admin, "/admin/channels/new", site_id=world.site1, kind="wecom", name="坏群",
         url="http://127.0.0.1:9/cgi-bin/webhook/send?key=x", active="y")
    with app.app_context():
        ident = db.session.scalar(select(NotifyChannel.id))
    token = factories.csrf_from(admin.get("/admin/channels"))
    page = admin.post(f"/admin/channels/{ident}/test", data={"csrf_token": token},
                      follow_redirects=True).get_data(as_text=True)
    assert "未送达" in page


def test_bad_input_is_refused_and_nothing_saved(app, world):
    admin = factories.desk_client(app, "admin1")
    robot = form(admin, "/admin/channels/new", site_id=world.site1, kind="wecom", name="群", url="ftp://x")
    mail = form(admin, "/admin/channels/new", site_id=world.site1, kind="email", name="邮件", host="")
    assert (robot.status_code, mail.status_code) == (422, 422)
    assert "webhook 地址以 https:// 开头" in robot.get_data(as_text=True)
    assert "请填写邮件服务器" in mail.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(NotifyChannel)) is None
