"""The compliance calendar as a supervisor uses it at 1440×900: the top bar's groups, a
site's month, a cell followed to the records behind it, and every site's month."""
import re

from tests.browser.test_office import desk_in
from tests.browser.test_office import opened  # noqa: F401 (a fixture)


def test_a_supervisor_follows_a_calendar_cell_to_its_records(opened, live, shots):
    desk = desk_in(opened, live, "supervisor1")

    # The bar's groups open one at a time and close on Escape; a page inside one is reached.
    estate = desk.locator("details.nav-group[data-nav-group=estate]")
    system = desk.locator("details.nav-group[data-nav-group=system]")
    estate.locator("summary").click()
    assert estate.get_attribute("open") is not None
    system.locator("summary").click()
    desk.wait_for_function("() => !document.querySelector('details.nav-group[data-nav-group=estate]').open")
    desk.keyboard.press("Escape")
    desk.wait_for_function("() => !document.querySelector('details.nav-group[open]')")
    estate.locator("summary").click()
    estate.get_by_role("link", name="巡视").click()
    desk.wait_for_url(re.compile(r".*/patrols$"))

    desk.get_by_role("link", name="合规日历").click()
    desk.wait_for_url(re.compile(r".*/review/calendar$"))
    rules = desk.locator("#compliance tbody tr")
    assert rules.count() >= 6
    assert "经理每日巡视" in desk.inner_text("#compliance")
    days = desk.locator("#compliance thead th.day").count()
    assert 28 <= days <= 31
    widths = desk.eval_on_selector_all(
        "#compliance tbody tr[data-rule=patrol] td.cell", "cells => cells.reduce((n, c) => n + c.colSpan, 0)")
    assert widths == days
    desk.screenshot(path=str(shots / "office-calendar.png"), full_page=True)

    # The demo's managers patrolled this month: a judged patrol cell opens patrols of that day.
    cell = desk.locator("#compliance tr[data-rule=patrol] td.cell:is([data-state=kept],[data-state=missed]) a").first
    day = cell.evaluate("a => a.parentElement.dataset.first")
    cell.click()
    desk.wait_for_url(re.compile(r".*/patrols(/[\w-]+|\?.*)$"))
    if "?" in desk.url:
        assert f"from={day}" in desk.url and f"to={day}" in desk.url
    else:
        assert day in desk.inner_text("main")

    desk.goto("/review/calendar/sites")
    sites = desk.locator("#compliance-sites tbody tr")
    assert sites.count() == 2
    desk.locator("#compliance-sites tbody tr th a").first.click()
    desk.wait_for_url(re.compile(r".*/review/calendar\?site=.*"))
