"""Uploading the national system's export on the page (issue 17, item 8): a preview that writes
nothing, then the import through the CLI's own code, whose changes reach the laptops by the feed.
County administrators only, with the form's CSRF token, bounded in size."""

from __future__ import annotations

import openpyxl
import pytest
from sqlalchemy import func, select

from desktop.store.exchange.registry_export import export_registry
from desktop.store.models import AssistanceMeasure, Division, Household, Member
from sync.server.models import ChangeLogEntry
from tests.store.test_registry_import import column, read_sheets, write_xlsx
from tests.web.conftest import csrf_of, unique
from tests.web.test_pages import sign_in

pytestmark = pytest.mark.slow


def demo_export_with_a_new_phone(web, tmp_path) -> tuple[str, str, object]:
    """The server's demo county exported, one household's phone changed: (number, phone, path)."""
    with web.live.db.session() as session:
        village_ids = list(
            session.scalars(select(Division.id).where(Division.code.in_(web.demo_villages)))
        )
        export_registry(session, tmp_path / "export.xlsx", village_ids=village_ids)
    sheets = read_sheets(tmp_path / "export.xlsx")
    households = sheets["户基本信息"]
    number, phone = column(households, "户编号"), column(households, "联系电话")
    new_phone = "139" + unique("")[:6].translate(str.maketrans("abcdef", "123456")) + "00"
    households[2][phone] = new_phone
    return households[2][number], new_phone, write_xlsx(sheets, tmp_path / "newer.xlsx")


def test_the_county_previews_an_export_then_imports_it_through_the_feed(web, page, shoot, tmp_path):
    number, phone, path = demo_export_with_a_new_phone(web, tmp_path)
    with web.live.db.session() as session:
        feed_before = session.scalar(select(func.max(ChangeLogEntry.server_seq))) or 0
    sign_in(page, web, "县管理员")
    page.goto(f"{web.url}/web/imports")
    page.set_input_files("#upload", str(path))
    with page.expect_navigation():
        page.click("#preview")

    # our household among them (an export read back may differ in a few more, e.g. derived values)
    assert int(page.locator("dd.updated").inner_text()) >= 1
    assert page.locator("dd.new").inner_text() == "0"
    with web.live.db.session() as session:  # the preview wrote nothing
        assert (
            session.scalars(
                select(Household.phone).where(Household.household_number == number)
            ).one()
            != phone
        )
    assert page.console_errors == []
    shoot(page, "import-preview")

    with page.expect_navigation():
        page.click("#commit")

    assert "导入完成" in page.locator("#result-h").inner_text()
    assert int(page.locator("dd.feed").inner_text()) >= 1
    with web.live.db.session() as session:
        household = session.scalars(
            select(Household).where(Household.household_number == number)
        ).one()
        assert household.phone == phone
        fed = session.scalars(
            select(ChangeLogEntry).where(
                ChangeLogEntry.server_seq > feed_before, ChangeLogEntry.entity_id == household.id
            )
        ).all()
        assert fed and any(e.fields.get("phone") == phone for e in fed)
    shoot(page, "import-done")


def test_uploads_are_for_the_county_office_with_the_forms_token(web, tmp_path):
    _number, _phone, path = demo_export_with_a_new_phone(web, tmp_path)
    with web.signed_in("城关审核") as reviewer:
        assert reviewer.get("/web/imports").status_code == 403
        token = csrf_of(reviewer.get("/web/").text)
        with path.open("rb") as file:
            answer = reviewer.post(
                "/web/imports/preview", data={"csrf_token": token}, files={"upload": file}
            )
        assert answer.status_code == 403
    with web.signed_in("县管理员") as admin:
        with path.open("rb") as file:
            no_token = admin.post("/web/imports/preview", files={"upload": file})
        assert no_token.status_code == 403
        token = csrf_of(admin.get("/web/imports").text)
        wrong = admin.post(
            "/web/imports/preview",
            data={"csrf_token": token},
            files={"upload": ("notes.txt", b"hello", "text/plain")},
        )
        assert wrong.status_code == 422
        too_big = admin.post(
            "/web/imports/preview",
            data={"csrf_token": token},
            files={"upload": ("big.xlsx", b"0" * (31 * 2**20), "application/octet-stream")},
        )
        assert too_big.status_code == 413
        unknown = admin.post(
            "/web/imports/commit", data={"csrf_token": token, "token": "not-a-preview"}
        )
        assert unknown.status_code == 404


def a_member_without_a_2016_measure(web) -> tuple[str, str, str]:
    """(member id, name, ID number) of a current member of a registered demo household who has
    no measure of 2016 yet (the server is shared by the tests: each run picks a fresh one)."""
    with web.live.db.session() as session:
        taken = select(AssistanceMeasure.member_id).where(
            AssistanceMeasure.year == 2016, AssistanceMeasure.member_id.is_not(None)
        )
        row = session.execute(
            select(Member.id, Member.name, Member.id_number)
            .join(Household, Member.household_id == Household.id)
            .join(Division, Household.village_id == Division.id)
            .where(
                Division.code.in_(web.demo_villages),
                Household.status.in_(["poor", "exited", "exited_stable"]),
                Household.deleted.is_(False),
                Member.deleted.is_(False),
                Member.left_date.is_(None),
                func.length(Member.id_number) == 18,
                Member.id.not_in(taken),
            )
            .order_by(Member.id)
        ).first()
    assert row is not None
    return row[0], row[1], row[2]


def department_file(path, rows: list[list[object]]):
    """A department's measures in its own layout (a title line, its own headers)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "2016年健康扶贫"
    sheet.append(["县医疗保障局2016年健康扶贫名单"])
    sheet.append(["序号", "姓名", "身份证号", "年份", "类别", "项目", "金额（元）", "部门", "备注"])
    for n, row in enumerate(rows, start=1):
        sheet.append([n, *row])
    workbook.save(path)
    return path


def test_the_county_previews_a_departments_measures_then_imports_them_through_the_feed(
    web, page, shoot, tmp_path
):
    member_id, name, id_number = a_member_without_a_2016_measure(web)
    path = department_file(
        tmp_path / "health.xlsx",
        [
            [name, id_number, 2016, "健康扶贫", "参加大病保险", 60, "县医保局", ""],
            ["无此人", "610727199001011234", 2016, "健康扶贫", "参加大病保险", 60, "", ""],
        ],
    )
    with web.live.db.session() as session:
        feed_before = session.scalar(select(func.max(ChangeLogEntry.server_seq))) or 0
    sign_in(page, web, "县管理员")
    page.goto(f"{web.url}/web/imports")
    page.set_input_files("#assistance-upload", str(path))
    with page.expect_navigation():
        page.click("#preview-assistance")

    assert "预览" in page.locator("#result-h").inner_text()
    assert page.locator("dd.new").inner_text() == "1"
    assert page.locator("dd.unmatched").inner_text() == "1"
    with web.live.db.session() as session:  # the preview wrote nothing
        assert not session.scalars(
            select(AssistanceMeasure).where(
                AssistanceMeasure.member_id == member_id, AssistanceMeasure.year == 2016
            )
        ).all()
    assert page.console_errors == []
    shoot(page, "import-assistance-preview")

    with page.expect_navigation():
        page.click("#commit-assistance")

    assert "导入完成" in page.locator("#result-h").inner_text()
    assert page.locator("dd.feed").inner_text() == "1"
    assert page.locator("dd.refused").inner_text() == "0"
    with web.live.db.session() as session:
        measure = session.scalars(
            select(AssistanceMeasure).where(
                AssistanceMeasure.member_id == member_id, AssistanceMeasure.year == 2016
            )
        ).one()
        assert measure.amount == 60 and measure.department == "县医保局"
        fed = session.scalars(
            select(ChangeLogEntry).where(
                ChangeLogEntry.server_seq > feed_before,
                ChangeLogEntry.entity == "assistance_measures",
                ChangeLogEntry.entity_id == measure.id,
            )
        ).all()
        assert [e.op for e in fed] == ["create"]
    shoot(page, "import-assistance-done")


def test_department_uploads_are_for_the_county_office_with_the_forms_token(web, tmp_path):
    _member_id, name, id_number = a_member_without_a_2016_measure(web)
    path = department_file(
        tmp_path / "health.xlsx",
        [[name, id_number, 2016, "健康扶贫", "参加大病保险", 60, "县医保局", ""]],
    )
    with web.signed_in("演示乡审核") as reviewer:
        token = csrf_of(reviewer.get("/web/").text)
        with path.open("rb") as file:
            answer = reviewer.post(
                "/web/imports/assistance/preview",
                data={"csrf_token": token},
                files={"upload": file},
            )
        assert answer.status_code == 403
    with web.signed_in("县管理员") as admin:
        with path.open("rb") as file:
            no_token = admin.post("/web/imports/assistance/preview", files={"upload": file})
        assert no_token.status_code == 403
        token = csrf_of(admin.get("/web/imports").text)
        not_a_table = admin.post(
            "/web/imports/assistance/preview",
            data={"csrf_token": token},
            files={"upload": ("notes.xlsx", b"hello", "application/octet-stream")},
        )
        assert not_a_table.status_code == 422
        too_big = admin.post(
            "/web/imports/assistance/preview",
            data={"csrf_token": token},
            files={"upload": ("big.xlsx", b"0" * (31 * 2**20), "application/octet-stream")},
        )
        assert too_big.status_code == 413
        with path.open("rb") as file:
            previewed = admin.post(
                "/web/imports/assistance/preview",
                data={"csrf_token": token},
                files={"upload": file},
            )
        assert previewed.status_code == 200
        held = previewed.text.split('name="token" value="')[1].split('"')[0]
        without_token = admin.post("/web/imports/assistance/commit", data={"token": held})
        assert without_token.status_code == 403
        as_registry = admin.post("/web/imports/commit", data={"csrf_token": token, "token": held})
        assert as_registry.status_code == 404  # a department's file is no registry export
    with web.live.db.session() as session:
        assert not session.scalars(
            select(AssistanceMeasure).where(
                AssistanceMeasure.member_id == _member_id, AssistanceMeasure.year == 2016
            )
        ).all()  # nothing above wrote
