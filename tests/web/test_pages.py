"""The staff's pages in a real browser (Debian's chromium) against a real server: sign in, the
overview, a village, a household, resolving a conflict that then reaches the laptops."""

from __future__ import annotations

import re

import openpyxl
import pytest
from sqlalchemy import select

from desktop.store.models import Household
from sync.client.transport import SyncError
from sync.server.models import Conflict
from tests.sync.conftest import EAST, WEST
from tests.web.conftest import PASSWORD, new_household, unique

pytestmark = pytest.mark.slow


def sign_in(page, web, name: str, password: str = PASSWORD) -> None:
    page.goto(f"{web.url}/web/")
    assert page.url.endswith("/web/signin")
    page.fill("#name", name)
    page.fill("#password", password)
    page.press("#password", "Enter")  # by keyboard
    page.wait_for_url(f"{web.url}/web/")


def test_the_county_admin_signs_in_and_sees_the_county_overview_with_its_chart(
    web, page, shoot, make_laptop
):
    laptop = make_laptop(unique("东街-"), web.live, villages=[EAST])
    for _ in range(2):
        new_household(laptop)
    laptop.client.sync()
    page.goto(f"{web.url}/web/signin")
    shoot(page, "signin")
    sign_in(page, web, "县管理员")

    assert page.locator("h1").inner_text() == "全县概况"
    assert page.locator("#per-day-chart svg").count() == 1  # ECharts drew, from the shipped file
    assert page.locator("#per-day-chart svg path").count() >= 1  # today's bar
    assert laptop.name in page.locator("section[aria-labelledby=dev-h]").inner_text()
    assert page.locator("table.grid tbody tr").count() >= 2  # the villages' progress rows
    assert page.locator("#quota-h").count() == 1  # county office: the quota (Q6) is shown
    assert page.console_errors == []  # no CSP violation, no script error
    assert web.live.app.state.web_cache.wait_idle()  # the villages' audits, in the background
    page.reload()
    assert "正在核查" not in page.locator("section.tiles").inner_text()
    shoot(page, "overview-county")


def test_a_township_reviewer_sees_only_their_township(web, page, shoot):
    sign_in(page, web, "演示乡审核")

    links = page.locator("a[href^='/web/village/']")
    codes = {re.sub(r".*/", "", links.nth(i).get_attribute("href")) for i in range(links.count())}
    assert codes == set(web.demo_villages)
    assert EAST not in codes
    shoot(page, "overview-township")

    page.goto(f"{web.url}/web/village/{EAST}")  # another township's village, by URL
    assert "不在您的管辖范围内" in page.locator("[role=alert]").inner_text()
    shoot(page, "not-yours")
    page.goto(f"{web.url}/web/password")
    page.fill("#old", PASSWORD)
    page.fill("#new", "another-password-1")
    page.fill("#again", "another-password-2")
    with page.expect_navigation():
        page.press("#again", "Enter")
    assert "不一致" in page.locator("[role=alert]").inner_text()
    shoot(page, "password")


def test_a_village_shows_its_households_problems_procedure_and_map(web, page, shoot):
    sign_in(page, web, "县管理员")
    village = web.demo_villages[0]
    page.goto(f"{web.url}/web/village/{village}")

    assert page.locator("#households").is_visible()
    rows = page.locator("section[aria-labelledby=households] tbody tr")
    assert rows.count() > 1
    assert page.locator("#village-map path.leaflet-interactive").count() >= 1  # Leaflet drew
    assert page.locator("#problems").is_visible()
    assert page.console_errors == []
    shoot(page, "village")

    head = rows.nth(0).locator("td").nth(1).inner_text()
    page.fill("#q", head)
    with page.expect_navigation():
        page.press("#q", "Enter")
    found = page.locator("section[aria-labelledby=households] tbody tr")
    assert head in found.nth(0).inner_text()
    assert head not in page.url  # a name never stands in a URL


def test_a_household_shows_its_form_and_its_book_newest_first(web, page, shoot, make_laptop):
    laptop = make_laptop(unique("东街-"), web.live, villages=[EAST])
    household_id, number = new_household(laptop)
    laptop.edit(household_id, lambda h: setattr(h, "phone", "13711111111"))
    laptop.client.push()
    sign_in(page, web, "城关审核")

    page.goto(f"{web.url}/web/household/{household_id}")

    assert number in page.locator("h1").inner_text()
    book = page.locator("ol.book li")
    assert book.count() >= 2
    assert "13711111111" in book.nth(0).inner_text()  # the newest change first, in words
    assert "联系电话" in book.nth(0).inner_text()
    assert page.console_errors == []
    shoot(page, "household")


def test_resolving_a_conflict_on_the_page_reaches_both_laptops_at_their_next_sync(
    web, page, shoot, make_laptop
):
    a = make_laptop(unique("东街-"), web.live, villages=[EAST])
    b = make_laptop(unique("东街-"), web.live, villages=[EAST])
    household_id, _number = new_household(a)
    a.client.push()
    b.client.pull()
    a.edit(household_id, lambda h: setattr(h, "phone", "13711111111"))
    b.edit(household_id, lambda h: setattr(h, "phone", "13622222222"))
    a.client.push()
    assert b.client.push().conflicts == 1
    with web.live.db.session() as session:
        conflict_id = session.scalars(
            select(Conflict.id).where(Conflict.entity_id == household_id, Conflict.status == "open")
        ).one()
    sign_in(page, web, "城关审核")
    page.goto(f"{web.url}/web/conflicts")
    form = page.locator(f"form[action='/web/conflicts/{conflict_id}']")
    assert "13622222222" in page.locator("tr", has=form).inner_text()
    shoot(page, "conflicts")

    form.locator("input[value=incoming]").check()
    with page.expect_navigation():
        form.locator("button").click()

    assert "已裁决" in page.locator("[role=alert]").inner_text()
    a.client.pull()
    b.client.pull()
    assert a.household(household_id)["phone"] == "13622222222"
    assert b.household(household_id)["phone"] == "13622222222"
    with web.live.db.session() as session:
        assert session.get(Household, household_id).phone == "13622222222"
        assert session.get(Conflict, conflict_id).status == "resolved"


def test_the_county_office_enrolls_a_laptop_from_the_pages_code_and_reassigns_it(
    web, page, shoot, make_laptop
):
    sign_in(page, web, "县管理员")
    page.goto(f"{web.url}/web/devices")
    name = unique("西街-")
    page.fill("#dev-name", name)
    page.locator(f"form.stack input[value='{WEST}']").check()
    with page.expect_navigation():
        page.locator("form.stack button").click()
    code = page.locator("#enroll-code").inner_text()
    assert code.startswith("FBE1:")
    assert page.locator("img.qr").get_attribute("src").startswith("data:image/svg+xml")
    assert page.console_errors == []
    shoot(page, "devices")

    laptop = make_laptop(unique("新笔记本-"))  # not enrolled yet
    laptop.client.enroll(code)
    assert laptop.client.villages() == [WEST]

    page.goto(f"{web.url}/web/devices")
    row = page.locator("tr", has_text=name)
    row.locator("summary").click()
    row.locator(f"input[value='{EAST}']").check()
    with page.expect_navigation():
        row.locator("details button").click()
    laptop.client.status()
    assert laptop.client.villages() == [EAST, WEST]

    with page.expect_navigation():
        page.locator("tr", has_text=name).locator("button.danger").click()
    with pytest.raises(SyncError):
        laptop.client.pull()


def test_each_report_downloads_as_a_workbook_openpyxl_reads(web, page, shoot, tmp_path):
    sign_in(page, web, "县管理员")
    page.goto(f"{web.url}/web/reports")
    assert page.console_errors == []
    shoot(page, "reports")
    links = page.locator("main a[href$='.xlsx'], main a[href*='.xlsx?']")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert any("quota" in h for h in hrefs) and any("registry" in h for h in hrefs)
    assert sum("population-change" in h for h in hrefs) == 3  # Q9: by village, township, county
    assert sum("problems" in h for h in hrefs) >= 4

    for href in hrefs:
        with page.expect_download() as info:
            page.locator(f"a[href='{href}']").click()
        path = tmp_path / info.value.suggested_filename
        info.value.save_as(path)
        workbook = openpyxl.load_workbook(path)
        assert workbook.sheetnames, href
        if "population-change" in href:
            sheet = workbook[workbook.sheetnames[0]]
            assert "贫困人口增减" in str(sheet["A1"].value), href
        if "registry" in href and "township" not in href:
            households = workbook[workbook.sheetnames[0]]
            assert households.max_row > 40  # the demo county's households, and their header


def test_the_village_list_filters_to_households_with_open_problems(web, make_laptop):
    laptop = make_laptop(unique("东街-"), web.live, villages=[EAST])
    new_household(laptop)  # saved without the audit: the server's audit finds its gaps
    laptop.client.push()
    village = EAST
    with web.signed_in("县管理员") as client:
        every = client.get(f"/web/village/{village}").text
        with_problems = client.get(f"/web/village/{village}?problems=open").text

    def listed(html: str) -> set[str]:
        section = html.split('id="households"')[1].split("</table>")[0]
        return set(re.findall(r"/web/household/([0-9a-f-]{36})", section))

    def with_open_problem(html: str) -> set[str]:
        section = html.split('id="problems"')[1]
        rows = re.findall(r"<tr>(.*?)</tr>", section, re.S)
        return {
            m.group(1)
            for row in rows
            if "未说明" in row and (m := re.search(r"/web/household/([0-9a-f-]{36})", row))
        }

    assert listed(with_problems) == with_open_problem(every) != set()


def test_the_pages_work_by_keyboard_alone(web, page):
    sign_in(page, web, "演示乡审核")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"  # skip to the content
    target = f"/web/village/{web.demo_villages[0]}"
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('href')") == target:
            break
    else:
        pytest.fail("the first village's link is not reachable by Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{web.url}{target}")
    page.focus("#q")
    page.keyboard.type("wang")  # pinyin, typed
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "“查找” 找到" in page.locator("main").inner_text()
    found = page.locator("section[aria-labelledby=households] tbody tr")
    assert "没有符合条件" not in found.nth(0).inner_text()
