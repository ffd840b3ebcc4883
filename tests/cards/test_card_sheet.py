"""Printing a village's household cards: what they say, that every QR code decodes and verifies,
and that the issue numbers are entered in the card register, not booked as household edits."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from desktop.cards.data import card_household_ids, household_book, village_by_code
from desktop.cards.keys import card_key, county_code
from desktop.cards.payload import encode_card
from desktop.cards.records import BuildCancelled, Place
from desktop.cards.service import print_cards
from desktop.cards.verify import Verdict, check_card
from desktop.store.db import Database
from desktop.store.models import (
    AssistancePerson,
    CardIssue,
    Division,
    Household,
    Income,
    LedgerEntry,
    Member,
    OutboxChange,
)
from tests.cards.conftest import decode_qr_pages, pdf_page_texts, pdf_text

CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Printed:
    db: Database
    place: Place
    ids: list[str]
    pdf: Path
    result: object


def _first_village(db: Database) -> Place:
    with db.session() as session:
        code = session.scalars(
            select(Division.code).where(Division.level == "village").order_by(Division.code)
        ).first()
        assert code is not None
        return village_by_code(session, code)


@pytest.fixture(scope="module")
def printed(module_db: Database, tmp_path_factory: pytest.TempPathFactory) -> Printed:
    place = _first_village(module_db)
    pdf = tmp_path_factory.mktemp("cards") / "village.pdf"
    with module_db.session() as session:
        ids = card_household_ids(session, place.village_id)
        result = print_cards(session, ids, pdf, actor="测试员")
    return Printed(module_db, place, ids, pdf, result)


@pytest.fixture(scope="module")
def printed_codes(printed: Printed) -> list[list[str]]:
    """The QR codes of the printed sheet, page by page (pdftoppm at 150 dpi, zxing-cpp)."""
    return decode_qr_pages(printed.pdf)


def test_a_village_prints_a_card_for_each_registered_household_ten_to_a_page(
    printed: Printed,
) -> None:
    with printed.db.session() as session:
        statuses = session.scalars(
            select(Household.status).where(Household.id.in_(printed.ids))
        ).all()
        ordinary = session.scalar(
            select(Household.id).where(
                Household.village_id == printed.place.village_id, Household.status == "ordinary"
            )
        )
    assert len(printed.ids) >= 20
    assert set(statuses) <= {"poor", "exited", "exited_stable"}
    assert ordinary is not None and ordinary not in printed.ids
    assert printed.result.sheet.cards == len(printed.ids)
    assert printed.result.sheet.pages == math.ceil(len(printed.ids) / 10)
    assert len(pdf_page_texts(printed.pdf)) == printed.result.sheet.pages


def test_each_card_shows_the_households_place_head_number_and_assistance_person(
    printed: Printed,
) -> None:
    text = pdf_text(printed.pdf)
    assert CJK.search(text), "the Chinese text must extract as Chinese"
    assert printed.place.county in text and printed.place.township in text
    assert printed.place.village in text
    with printed.db.session() as session:
        rows = session.execute(
            select(
                Household.household_number,
                Household.head_name,
                AssistancePerson.name,
                AssistancePerson.phone,
            )
            .outerjoin(AssistancePerson, Household.assistance_person_id == AssistancePerson.id)
            .where(Household.id.in_(printed.ids))
        ).all()
    assert rows
    for number, head, person, phone in rows:
        assert number in text
        assert head and head in text  # the save that recorded the issue also kept the head's name
        if person:
            assert person in text and phone in text
    assert "2019年度" in text


def test_no_id_number_income_or_internal_flag_appears_on_any_card(printed: Printed) -> None:
    text = pdf_text(printed.pdf)
    compact = re.sub(r"\s+", "", text)
    with printed.db.session() as session:
        id_numbers = session.scalars(
            select(Member.id_number).where(
                Member.household_id.in_(printed.ids), Member.id_number.is_not(None)
            )
        ).all()
        incomes = session.scalars(
            select(Income.per_capita_net_income).where(Income.household_id.in_(printed.ids))
        ).all()
        monitored = session.scalar(
            select(Household.id).where(Household.id.in_(printed.ids), Household.monitored.is_(True))
        )
    assert id_numbers and incomes
    assert monitored is not None, "the village should have a monitored household to print"
    for number in id_numbers:
        assert number not in compact and number[:14] not in compact
    for income in incomes:
        assert format(income, "f") not in compact
    for word in ("边缘", "监测", "收入", "身份证", "风险", "脱贫状态"):
        assert word not in text


def test_every_qr_code_decodes_at_150_dpi_in_print_order_and_verifies(
    printed: Printed, printed_codes: list[list[str]]
) -> None:
    pages = printed_codes
    codes = [code for page in pages for code in page]
    assert all(len(page) <= 10 for page in pages)
    with printed.db.session() as session:
        numbers = dict(
            session.execute(
                select(Household.id, Household.household_number).where(
                    Household.id.in_(printed.ids)
                )
            ).all()
        )
        assert len(codes) == len(printed.ids)
        for household_id, code in zip(printed.ids, codes, strict=True):
            check = check_card(session, code)
            assert check.verdict is Verdict.VALID, check.message
            assert check.household_id == household_id
            assert check.household_number == numbers[household_id]
            assert check.issue == 1


def test_the_font_is_embedded_as_a_subset(printed: Printed) -> None:
    from pypdf import PdfReader

    fonts = set()
    for page in PdfReader(str(printed.pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts") or [font]
            for item in descendants:
                descriptor = item.get_object().get("/FontDescriptor")
                if descriptor is not None:
                    descriptor = descriptor.get_object()
                    embedded = any(
                        k in descriptor for k in ("/FontFile2", "/FontFile", "/FontFile3")
                    )
                    fonts.add((str(font["/BaseFont"]), embedded))
    assert fonts
    assert all(embedded for _, embedded in fonts)
    assert any(re.match(r"^/?[A-Z]{6}\+", name) for name, _ in fonts), fonts


def test_first_printing_registers_issue_one_without_editing_the_households(
    printed: Printed,
) -> None:
    with printed.db.session() as session:
        register = session.execute(
            select(CardIssue.household_id, CardIssue.issue, CardIssue.issued_by, CardIssue.reprint)
        ).all()
        booked = session.scalar(
            select(func.count())
            .select_from(LedgerEntry)
            .where(LedgerEntry.household_id.in_(printed.ids), LedgerEntry.field == "card_issue")
        )
        household_changes = session.scalar(
            select(func.count())
            .select_from(OutboxChange)
            .where(OutboxChange.entity_id.in_(printed.ids))
        )
        queued = session.scalars(
            select(OutboxChange.fields).where(OutboxChange.entity == "card_issues")
        ).all()
        versions = session.scalars(
            select(Household.card_issue).where(Household.id.in_(printed.ids))
        )
    assert sorted(r.household_id for r in register) == sorted(printed.ids)
    assert {(r.issue, r.issued_by, r.reprint) for r in register} == {(1, "测试员", False)}
    assert booked == 0 and household_changes == 0
    assert set(versions) == {0}  # the household's own row is untouched
    assert sorted(f["household_id"] for f in queued) == sorted(printed.ids)
    assert {f["issue"] for f in queued} == {1}


def test_a_print_run_registers_its_issues_in_one_commit(fresh_db, tmp_path: Path) -> None:
    db = fresh_db()
    place = _first_village(db)
    commits: list[int] = []
    with db.session() as session:
        ids = card_household_ids(session, place.village_id)
        card_key(session, create=True)  # the county's key, made once before any first print
        event.listen(session, "after_commit", lambda _s: commits.append(1))
        result = print_cards(session, ids, tmp_path / "village.pdf", actor="测试员")
    assert len(result.issued) == len(ids) > 1
    assert len(commits) == 1


def test_printing_again_without_reprint_changes_nothing(
    printed: Printed, printed_codes: list[list[str]], tmp_path: Path
) -> None:
    with printed.db.session() as session:
        registered = select(func.count()).select_from(CardIssue)
        queued = select(func.count()).select_from(OutboxChange)
        before = session.scalar(registered), session.scalar(queued)
        result = print_cards(session, printed.ids[:3], tmp_path / "again.pdf", actor="测试员")
        after = session.scalar(registered), session.scalar(queued)
    assert result.issued == {}
    assert before == after and before[0] > 0
    assert decode_qr_pages(tmp_path / "again.pdf")[0] == printed_codes[0][:3]


def test_a_reprinted_card_revokes_the_old_one(fresh_db, tmp_path: Path) -> None:
    db = fresh_db()
    place = _first_village(db)
    with db.session() as session:
        household_id = card_household_ids(session, place.village_id)[0]
        print_cards(session, [household_id], tmp_path / "first.pdf", actor="测试员")
        result = print_cards(
            session, [household_id], tmp_path / "second.pdf", actor="测试员", reprint=True
        )
        (old_code,) = decode_qr_pages(tmp_path / "first.pdf")[0]
        (new_code,) = decode_qr_pages(tmp_path / "second.pdf")[0]
        old, new = check_card(session, old_code), check_card(session, new_code)
        register = session.execute(
            select(CardIssue.issue, CardIssue.reprint)
            .where(CardIssue.household_id == household_id)
            .order_by(CardIssue.issue)
        ).all()
        book = household_book(session, household_id)
    assert list(result.issued.values()) == [2]
    assert [tuple(r) for r in register] == [(1, False), (2, True)]
    cards = [(e.subject, e.old, e.new, e.reason) for e in book.entries if e.subject == "户卡"]
    assert cards == [("户卡", "", "1", "首次打印户卡"), ("户卡", "1", "2", "补打户卡")]
    assert new.verdict is Verdict.VALID and new.issue == 2
    assert old.verdict is Verdict.REVOKED
    assert old.household_id is None and not old.opens_household
    assert "作废" in old.message and "第 2 版" in old.message


def test_an_altered_code_is_refused_as_altered(
    printed: Printed, printed_codes: list[list[str]]
) -> None:
    code = printed_codes[0][0]
    number = code.split(":")[1]
    other = number[:-1] + ("1" if number[-1] != "1" else "2")
    with printed.db.session() as session:
        check = check_card(session, code.replace(number, other))
    assert check.verdict is Verdict.ALTERED
    assert check.household_id is None
    assert "签名不符" in check.message


def test_a_card_of_another_county_is_refused_as_foreign(printed: Printed) -> None:
    foreign = encode_card("610728101201", "6107281012010001", 1, b"another county key 32 bytes....")
    with printed.db.session() as session:
        check = check_card(session, foreign)
    assert check.verdict is Verdict.FOREIGN_COUNTY
    assert "610728" in check.message and "其他县" in check.message


def test_a_code_made_with_another_key_for_this_county_is_refused_as_altered(
    printed: Printed,
) -> None:
    with printed.db.session() as session:
        number = session.get(Household, printed.ids[0]).household_number
        forged = encode_card(printed.place.village_code, number, 1, b"x" * 32)
        assert card_key(session) != b"x" * 32
        assert county_code(session)[:6] == printed.place.village_code[:6]
        check = check_card(session, forged)
    assert check.verdict is Verdict.ALTERED


def test_other_qr_codes_and_typed_text_are_not_cards(printed: Printed) -> None:
    with printed.db.session() as session:
        assert check_card(session, "https://weixin.qq.com/x").verdict is Verdict.NOT_A_CARD
        assert check_card(session, "FB1:6107271012010001:1").verdict is Verdict.MALFORMED
        assert check_card(session, "FB3:X:1:ABC").verdict is Verdict.NEWER_FORMAT


def test_a_cancelled_print_writes_no_file_and_saves_no_issue(fresh_db, tmp_path: Path) -> None:
    db = fresh_db()
    place = _first_village(db)
    seen: list[tuple[int, int]] = []
    out = tmp_path / "cancelled.pdf"
    with db.session() as session:
        ids = card_household_ids(session, place.village_id)
        with pytest.raises(BuildCancelled):
            print_cards(
                session,
                ids,
                out,
                actor="测试员",
                progress=lambda done, total: seen.append((done, total)),
                cancelled=lambda: len(seen) > 5,
            )
        issues = session.scalars(select(Household.card_issue).where(Household.id.in_(ids))).all()
    assert not out.exists()
    assert set(issues) == {0}
    assert seen[0] == (0, 2 * len(ids)) and len(seen) == 6


def test_progress_counts_every_card_then_every_saved_issue(fresh_db, tmp_path: Path) -> None:
    db = fresh_db()
    place = _first_village(db)
    seen: list[tuple[int, int]] = []
    with db.session() as session:
        ids = card_household_ids(session, place.village_id)[:12]
        print_cards(
            session,
            ids,
            tmp_path / "p.pdf",
            actor="测试员",
            progress=lambda d, t: seen.append((d, t)),
        )
    assert seen[-1] == (24, 24)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_a_genuine_card_newer_than_this_laptop_opens_with_a_note_to_sync(printed: Printed) -> None:
    with printed.db.session() as session:
        household_id, number = session.execute(
            select(Household.id, Household.household_number).where(
                Household.village_id != printed.place.village_id, Household.card_issue == 0
            )
        ).first()
        village_code = number[:12]
        code = encode_card(village_code, number, 1, card_key(session))
        check = check_card(session, code)
    assert check.verdict is Verdict.VALID_NEWER
    assert check.opens_household and check.household_id == household_id
    assert "同步" in check.message


def test_a_genuine_card_of_a_household_not_on_this_laptop_says_so(printed: Printed) -> None:
    with printed.db.session() as session:
        code = encode_card(
            printed.place.village_code, printed.place.village_code + "9999", 1, card_key(session)
        )
        check = check_card(session, code)
    assert check.verdict is Verdict.UNKNOWN_HOUSEHOLD
    assert check.household_id is None
    assert "本机没有户编号" in check.message
