"""Review (issue 17, item 6) in a real browser against a real server: a township reviewer returns a
household with a comment; the field laptop's next sync brings it into the laptop's database and
its household list and detail (real Qt widgets); a save of the household there ends the returned
state on the laptop and, once pushed, on the server. A field laptop cannot push a review."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from desktop.domain.reviews import RETURNED
from desktop.store.models import HouseholdReview, new_id
from desktop.store.queries import HouseholdFilter, household_detail
from desktop.store.reviews import review_state
from desktop.ui.household_detail import HouseholdDetailDialog
from desktop.ui.household_list import HouseholdListModel
from sync.protocol import PUSH_PATH, PushResponse
from tests.sync.conftest import EAST, auth, credentials
from tests.ui.held_runner import HeldTaskRunner
from tests.web.conftest import csrf_of, new_household, unique
from tests.web.test_pages import sign_in

pytestmark = pytest.mark.slow

COMMENT = "家庭人口与户口本不一致, 请核对后修改"


def test_a_returned_household_reaches_the_laptop_with_its_comment_until_it_is_changed(
    web, page, shoot, make_laptop, qtbot
):
    laptop = make_laptop(unique("东街-"), web.live, villages=[EAST])
    household_id, number = new_household(laptop)
    laptop.client.sync()
    sign_in(page, web, "城关审核")

    page.goto(f"{web.url}/web/household/{household_id}")
    assert "尚未审核" in page.locator("section.review").inner_text()
    page.fill("#review-comment", COMMENT)
    with page.expect_navigation():
        page.locator("button[value=returned]").click()

    assert "已退回" in page.locator("[role=alert]").inner_text()
    assert COMMENT in page.locator("section.review blockquote").inner_text()
    assert "城关审核" in page.locator("section.review").inner_text()
    assert page.console_errors == []
    shoot(page, "household-returned")

    page.goto(f"{web.url}/web/village/{EAST}")
    households = page.locator("section[aria-labelledby=households]")
    row = households.locator("tr", has=page.locator(f"a:text-is('{number}')"))
    assert "已退回" in row.inner_text()
    page.goto(f"{web.url}/web/")
    east = page.locator("tr", has=page.locator(f"a[href='/web/village/{EAST}']"))
    returned = east.locator("td.returned").inner_text()
    assert re.fullmatch(r"\d+", returned) and int(returned) >= 1
    shoot(page, "overview-reviews")

    laptop.client.sync()

    with laptop.db.session() as session:
        stored = session.scalars(
            select(HouseholdReview).where(HouseholdReview.household_id == household_id)
        ).one()
        assert (stored.verdict, stored.comment, stored.reviewer) == (RETURNED, COMMENT, "城关审核")
        state = review_state(session, household_id)
        assert state is not None and state.returned
        detail = household_detail(session, household_id)
    # the laptop's household list and detail (real widgets)
    runner = HeldTaskRunner()
    model = HouseholdListModel(laptop.db, runner)
    model.set_filters(HouseholdFilter(household_ids=(household_id,)))
    runner.release()
    assert model.rowCount() == 1
    status = model.index(0, model.headers().index("脱贫状态"))
    assert "已退回" in model.data(status)
    assert COMMENT in model.data(status, 3)  # Qt.ToolTipRole
    dialog = HouseholdDetailDialog(detail)
    qtbot.addWidget(dialog)
    assert dialog.review_label is not None
    assert COMMENT in dialog.review_label.text() and "退回" in dialog.review_label.text()

    # a save of the household ends it, on the laptop at once and on the server after the push
    laptop.edit(household_id, lambda h: setattr(h, "phone", "13733333333"))
    with laptop.db.session() as session:
        assert not review_state(session, household_id).returned
    model.reload()
    runner.release()
    assert "已退回" not in model.data(model.index(0, model.headers().index("脱贫状态")))
    laptop.client.sync()
    with web.live.db.session() as session:
        after = review_state(session, household_id)
        assert after is not None and not after.returned and after.comment == COMMENT
    page.goto(f"{web.url}/web/household/{household_id}")
    assert "此后已修改" in page.locator("section.review").inner_text()


def test_accepting_a_household_is_counted_on_the_overview(web, page, make_laptop):
    laptop = make_laptop(unique("东街-"), web.live, villages=[EAST])
    household_id, _number = new_household(laptop)
    laptop.client.sync()
    sign_in(page, web, "县管理员")
    page.goto(f"{web.url}/web/household/{household_id}")
    with page.expect_navigation():
        page.locator("button[value=accepted]").click()
    assert "已通过" in page.locator("[role=alert]").inner_text()
    with web.live.db.session() as session:
        assert review_state(session, household_id).accepted
    laptop.client.sync()
    with laptop.db.session() as session:
        assert review_state(session, household_id).accepted


def test_returning_without_a_comment_is_refused_and_keeps_nothing(web, make_laptop):
    laptop = make_laptop(unique("东街-"), web.live, villages=[EAST])
    household_id, _number = new_household(laptop)
    laptop.client.sync()
    with web.signed_in("城关审核") as client:
        form = client.get(f"/web/household/{household_id}")
        token = csrf_of(form.text)
        answer = client.post(
            f"/web/household/{household_id}/review",
            data={"verdict": RETURNED, "comment": "  ", "csrf_token": token},
        )
        assert answer.status_code == 422
        assert "写明" in answer.text
        without_token = client.post(
            f"/web/household/{household_id}/review", data={"verdict": RETURNED, "comment": "x"}
        )
        assert without_token.status_code == 403
    with web.live.db.session() as session:
        assert review_state(session, household_id) is None


def test_a_reviewer_of_another_township_cannot_review_the_household(web, make_laptop):
    laptop = make_laptop(unique("东街-"), web.live, villages=[EAST])
    household_id, _number = new_household(laptop)
    laptop.client.sync()
    with web.signed_in("演示乡审核") as client:
        token = csrf_of(client.get("/web/").text)
        answer = client.post(
            f"/web/household/{household_id}/review",
            data={"verdict": RETURNED, "comment": "越权", "csrf_token": token},
        )
        assert answer.status_code == 404
    with web.live.db.session() as session:
        assert review_state(session, household_id) is None


def test_a_field_laptop_pushing_a_review_is_refused(web, make_laptop):
    laptop = make_laptop(unique("东街-"), web.live, villages=[EAST])
    household_id, _number = new_household(laptop)
    laptop.client.sync()
    device_id, _token = credentials(laptop)
    with web.live.db.session() as session:
        from sync.server.models import Device

        seq = session.get(Device, device_id).last_acked_seq + 1
    review_id = new_id()
    body = {
        "device_id": device_id,
        "batch_id": review_id,
        "first_seq": seq,
        "changes": [
            {
                "change_id": review_id,
                "device_seq": seq,
                "entity": "household_reviews",
                "entity_id": review_id,
                "village_code": EAST,
                "op": "create",
                "base_version": 0,
                "fields": {
                    "household_id": household_id,
                    "verdict": "accepted",
                    "comment": None,
                    "reviewer": "自己",
                    "reviewed_at": "2026-12-04T10:00:00",
                },
                "edited_at": "2026-12-04T10:00:00+00:00",
            }
        ],
    }
    with web.live.http() as http:
        answer = http.post(PUSH_PATH, json=body, headers=auth(laptop, review_id))
    result = PushResponse.model_validate(answer.json()).results[0]
    assert (result.outcome, result.reason_code) == ("refused", "ROLE_NOT_ALLOWED")
    with web.live.db.session() as session:
        assert session.get(HouseholdReview, review_id) is None
