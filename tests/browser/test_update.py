"""A new version of the app while a guard is half-way through a form."""


def cache_names(page):
    return page.evaluate("caches.keys().then((k) => k.filter((n) => n.startsWith('estate-phone-')))")


def test_a_new_worker_waits_and_the_half_filled_form_survives(phone, live):
    page = phone.page
    phone.sign_in("guard1")
    phone.installed()
    before = cache_names(page)
    phone.open("gate")
    page.fill("#checkin-form input[name=visitor_name]", "半填访客")
    page.click("label[for=purpose-contractor]")
    page.fill("#checkin-form input[name=unit]", "3-2-1101")

    live.control("sw-salt", {"salt": "v2"})
    try:
        page.evaluate("navigator.serviceWorker.getRegistration('/m/').then((r) => r.update())")
        page.wait_for_selector("#update-reload", timeout=30000)
        # Nothing reloaded under the guard: the form is as it was.
        assert page.input_value("#checkin-form input[name=visitor_name]") == "半填访客"
        assert page.is_checked("#purpose-contractor")
        assert "已填写的内容会保留" in page.text_content("#banner")
        # The new version has its own cache; the old one still serves until the reload.
        waiting = cache_names(page)
        assert set(before) < set(waiting) and len(waiting) == 2

        with page.expect_navigation():
            page.click("#update-reload")
        phone.ready()
        page.wait_for_function("""async () => {
          const names = (await caches.keys()).filter((n) => n.startsWith('estate-phone-'));
          return names.length === 1;
        }""")
        after = cache_names(page)
        assert after != before and set(after) < set(waiting)
        assert page.input_value("#checkin-form input[name=visitor_name]") == "半填访客"
        assert page.input_value("#checkin-form input[name=unit]") == "3-2-1101"
        assert page.is_checked("#purpose-contractor")
        assert phone.errors == []
    finally:
        live.control("sw-salt", {"salt": ""})
