"""The staff's pages refuse what they must: no page without a session, nothing outside a
township reviewer's township, no form without its CSRF token, no page for a device token,
a lockout after wrong passwords, the security headers, an audit log without ID numbers."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from desktop.store.models import Household, Member, utcnow
from sync.server.web.accounts import Staff, sign_in
from sync.server.web.data import ListRequest, household_list, village_in_scope
from sync.server.web.models import StaffAudit, StaffUser
from tests.sync.conftest import EAST, credentials
from tests.web.conftest import PASSWORD, csrf_of, new_household, signin, unique

PAGES = ["/web/", "/web/conflicts", "/web/password", f"/web/village/{EAST}", "/web/township/x"]


def a_demo_household(web) -> str:
    with web.live.db.session() as session:
        return session.scalars(
            select(Household.id)
            .join(Household.village)
            .where(Household.village.has(code=web.demo_villages[0]))
        ).first()


@pytest.mark.parametrize("path", PAGES)
def test_no_page_opens_without_a_session(web, path):
    with httpx.Client(base_url=web.url) as client:
        answer = client.get(path)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/web/signin"


def test_a_forged_or_unknown_session_cookie_opens_no_page(web):
    with httpx.Client(base_url=web.url, cookies={"fb_session": "abc.def"}) as client:
        assert client.get("/web/").status_code == 303


def test_a_device_token_opens_no_page(web, make_laptop):
    laptop = make_laptop(unique("东街-"), web.live, villages=[EAST], role="reviewer")
    _device, token = credentials(laptop)
    with httpx.Client(base_url=web.url, headers={"Authorization": f"Bearer {token}"}) as client:
        for path in PAGES:
            answer = client.get(path)
            assert answer.status_code == 303, path
            assert answer.headers["location"] == "/web/signin"
        assert client.get("/v1/sync/status").status_code == 200  # the token itself works


def test_a_township_reviewer_cannot_open_another_townships_village_or_household_by_url(web):
    household = a_demo_household(web)
    with web.signed_in("城关审核") as client:
        assert client.get(f"/web/village/{EAST}").status_code == 200
        assert client.get(f"/web/village/{web.demo_villages[0]}").status_code == 404
        assert client.get(f"/web/household/{household}").status_code == 404
        assert client.get(f"/web/township/{web.demo_township}").status_code == 404
    with web.signed_in("县管理员") as client:  # the county office sees both
        assert client.get(f"/web/village/{web.demo_villages[0]}").status_code == 200
        assert client.get(f"/web/household/{household}").status_code == 200


@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("/web/signout", {}),
        (f"/web/village/{EAST}/search", {"q": "张"}),
        ("/web/password", {"old": PASSWORD, "new": "another-password-1", "again": "x"}),
        ("/web/conflicts/1", {"choice": "server"}),
    ],
)
def test_a_form_without_its_csrf_token_is_refused(web, path, form):
    with web.signed_in("城关审核") as client:
        missing = client.post(path, data=form)
        wrong = client.post(path, data={**form, "csrf_token": "not-the-token"})
        still_signed_in = client.get("/web/")
    assert missing.status_code == wrong.status_code == 403
    assert "校验码" in missing.text
    assert still_signed_in.status_code == 200


def test_the_sign_in_form_needs_its_own_token_too(web):
    with httpx.Client(base_url=web.url) as client:
        answer = client.post("/web/signin", data={"name": "县管理员", "password": PASSWORD})
    assert answer.status_code == 403
    assert "fb_session" not in answer.headers.get("set-cookie", "")


def test_wrong_passwords_lock_the_account_even_against_the_right_password(web):
    name = web.add_user(unique("审核"), "county_admin")
    with httpx.Client(base_url=web.url) as client:
        answers = [signin(client, name, "wrong-password-123") for _ in range(5)]
        right = signin(client, name)
    assert [a.status_code for a in answers] == [401] * 5
    assert all("秒后再试" not in a.text for a in answers[:4])  # four free tries
    assert "秒后再试" in answers[4].text
    assert right.status_code == 401 and "秒后再试" in right.text
    assert "fb_session" not in right.headers.get("set-cookie", "")


def test_each_failure_after_a_lockout_waits_twice_as_long_and_success_resets(web):
    name = web.add_user(unique("审核"), "county_admin")
    now = utcnow()
    waits = []
    with web.live.db.session() as session:
        for _ in range(7):
            result = sign_in(session, name, "wrong-password-123", now=now)
            waits.append(result.retry_after)
            now += timedelta(seconds=result.retry_after + 1)  # the wait is over
        done = sign_in(session, name, PASSWORD, now=now)
        user = session.scalars(select(StaffUser).where(StaffUser.name == name)).one()
        assert done.user is not None and user.failed_count == 0 and user.locked_until is None
    assert waits[:4] == [0, 0, 0, 0]
    assert 0 < waits[4] < waits[5] < waits[6]
    assert waits[5] == 2 * waits[4]


def test_a_session_cookie_is_httponly_samesite_and_signed(web):
    with httpx.Client(base_url=web.url) as client:
        answer = signin(client, "城关审核")
    cookie = answer.headers["set-cookie"]
    assert answer.status_code == 303
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/web" in cookie
    value = re.search(r"fb_session=([^;]+)", cookie).group(1)
    assert "." in value  # payload.signature (itsdangerous)


def test_pages_carry_the_security_headers_and_no_inline_script(web):
    with web.signed_in("县管理员") as client:
        for path in ["/web/signin", "/web/", f"/web/village/{web.demo_villages[0]}"]:
            answer = client.get(path)
            csp = answer.headers["content-security-policy"]
            assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
            assert "unsafe-inline" not in csp
            assert answer.headers["x-frame-options"] == "DENY"
            assert answer.headers["x-content-type-options"] == "nosniff"
            assert answer.headers["referrer-policy"] == "no-referrer"
            scripts = re.findall(r"<script([^>]*)>(.*?)</script>", answer.text, re.S)
            for attributes, body in scripts:
                assert "src=" in attributes or 'type="application/json"' in attributes
                assert "src=" not in attributes or not body.strip()


def test_sign_ins_and_internal_lists_are_audited_without_names_or_id_numbers(web):
    household = a_demo_household(web)
    with web.signed_in("县管理员") as client:
        client.get("/web/")
        client.get(f"/web/village/{web.demo_villages[0]}")
        client.get(f"/web/household/{household}")
    with web.live.db.session() as session:
        lines = session.scalars(
            select(StaffAudit).where(StaffAudit.user_name == "县管理员").order_by(StaffAudit.id)
        ).all()
        names = set(session.scalars(select(Member.name)))
        ids = set(session.scalars(select(Member.id_number).where(Member.id_number.is_not(None))))
    actions = [line.action for line in lines]
    assert {"sign_in", "view_overview", "view_quota", "view_village_list"} <= set(actions)
    assert {"view_problem_list", "view_household"} <= set(actions)
    for line in lines:
        assert line.target is None or (line.target not in names and line.target not in ids)
        assert not re.search(r"\d{17}[\dX]", line.target or "")


def test_only_roles_that_may_see_internal_lists_get_marginal_and_monitored_filters(web):
    def staff(role: str) -> Staff:
        return Staff(1, "x", role, None, "t", "h")

    with web.live.db.session() as session:
        village = village_in_scope(session, staff("county_admin"), web.demo_villages[0])
        from desktop.store.settings import working_policy

        policy = working_policy(session)
        asked = ListRequest(flag="marginal")
        allowed, _total, _ = household_list(session, staff("county_admin"), village, asked, policy)
        refused, total, _ = household_list(session, staff("field_worker"), village, asked, policy)
    assert staff("township_reviewer").internal and not staff("field_worker").internal
    assert len(refused) == total > len(allowed)  # the filter is ignored, not applied
    assert not any(f in ("marginal", "monitored") for r in refused for f in r.flags)


def test_search_is_a_post_so_no_name_stands_in_a_url(web, make_laptop):
    laptop = make_laptop(unique("东街-"), web.live, villages=[EAST])
    _household_id, number = new_household(laptop)
    laptop.client.push()
    with web.signed_in("城关审核") as client:
        page = client.get(f"/web/village/{EAST}")
        assert client.get(f"/web/village/{EAST}/search").status_code == 405
        found = client.post(
            f"/web/village/{EAST}/search", data={"q": "zjg", "csrf_token": csrf_of(page.text)}
        )
    assert found.status_code == 200
    assert number in found.text  # 张建国 by pinyin initials


def test_odd_requests_answer_4xx_never_500(web):
    with web.signed_in("城关审核") as client:
        token = csrf_of(client.get("/web/").text)
        answers = {
            "huge conflict id": client.post(
                "/web/conflicts/99999999999999999999", data={"csrf_token": token}
            ),
            "unknown conflict": client.post(
                "/web/conflicts/2147483647", data={"csrf_token": token, "choice": "server"}
            ),
            "quote in a household id": client.get("/web/household/' OR 1=1 --"),
            "nul in a village code": client.get("/web/village/%00"),
            "unknown township export": client.get("/web/reports/registry.xlsx?township=x"),
            "devices, not an admin": client.get("/web/devices"),
            "county report, not an admin": client.get("/web/reports/population-change.xlsx"),
            "revoke, not an admin": client.post(
                "/web/devices/x/revoke", data={"csrf_token": token}
            ),
            "long search": client.post(
                f"/web/village/{EAST}/search", data={"csrf_token": token, "q": "张" * 500}
            ),
            "odd search": client.post(
                f"/web/village/{EAST}/search", data={"csrf_token": token, "q": '"*) OR ( 1'}
            ),
        }
    statuses = {name: answer.status_code for name, answer in answers.items()}
    assert statuses["odd search"] == 200
    del statuses["odd search"]
    assert all(400 <= status < 500 for status in statuses.values()), statuses
    assert statuses["devices, not an admin"] == 403
    assert statuses["county report, not an admin"] == 403
    with web.signed_in("县管理员") as client:
        assert client.get("/web/reports/population-change.xlsx?level=x").status_code == 400


def test_changing_the_password_ends_the_users_other_sessions(web):
    name = web.add_user(unique("审核"), "county_admin")
    new = "a-new-password-2019"
    with web.signed_in(name) as other, web.signed_in(name) as client:
        token = csrf_of(client.get("/web/password").text)
        changed = client.post(
            "/web/password",
            data={"old": PASSWORD, "new": new, "again": new, "csrf_token": token},
        )
        assert changed.status_code == 200 and "密码已修改" in changed.text
        assert client.get("/web/").status_code == 200  # this session goes on
        assert other.get("/web/").status_code == 303  # the other one is over
    with httpx.Client(base_url=web.url) as fresh:
        assert signin(fresh, name).status_code == 401  # the old password no longer works
        assert signin(fresh, name, new).status_code == 303
