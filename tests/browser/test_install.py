"""Is the phone app installable, and does it open cold with no network at all?"""
import pytest

from tests.browser.phone import SCREENS
from tests.browser.phone import Phone


def first_page(context):
    return context.pages[0] if context.pages else context.new_page()


def test_chromium_reports_no_installability_errors(launch_profile, live):
    """Does Chromium accept the manifest, icons and worker as an installable app?"""
    context = launch_profile()
    phone = Phone(first_page(context), live)
    phone.sign_in("guard1")
    phone.wait_controlled()
    cdp = context.new_cdp_session(phone.page)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert errors == []
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == []
    assert manifest["url"].endswith("/manifest.webmanifest")
    scope = phone.page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)")
    assert scope.endswith("/m/")


@pytest.mark.parametrize("cut", ["server stopped", "browser offline"])
def test_cold_start_offline_opens_every_screen(launch_profile, live, cut):
    """After one online visit, does every screen open from a cold start with no network?"""
    context = launch_profile()
    phone = Phone(first_page(context), live)
    phone.sign_in("manager1")
    phone.installed()
    context.close()

    if cut == "server stopped":
        live.stop()
    context = launch_profile(offline=cut == "browser offline")
    phone = Phone(first_page(context), live)
    for screen in SCREENS:
        phone.open(screen)
        title = phone.page.text_content("#title")
        assert title and title.strip() not in ("", "正在加载…")
        text = phone.page.locator("#screen").inner_text()
        assert text.strip(), screen
        if screen != "login":
            assert "请先登录" not in text, screen
    assert phone.errors == []
