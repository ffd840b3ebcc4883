"""Practice mode (issue 14, item 5): the demo county runs on a practice date inside its policy
year's work window and prints 演示 on every page; a real database runs on the real clock."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from desktop.cards.pdf import practice_mark_on, set_practice_mark
from desktop.cards.service import print_cards
from desktop.store.db import open_database
from desktop.store.demo import build_demo_county
from desktop.store.models import Household, Setting
from desktop.store.settings import PRACTICE_DATE_KEY, practice_date, working_policy


@pytest.fixture(autouse=True)
def _mark_off():
    yield
    set_practice_mark(False)


def test_demo_county_runs_on_a_practice_date_inside_its_work_window(tmp_path):
    db = open_database(tmp_path / "demo.db")
    try:
        build_demo_county(db, households=12)
        with db.session() as session:
            day = practice_date(session)
            policy = working_policy(session)
    finally:
        db.dispose()
    assert day is not None
    assert policy.in_work_window(day)
    assert day == policy.snapshot_date


def test_a_real_database_runs_on_the_real_clock_even_with_a_practice_setting(tmp_path):
    db = open_database(tmp_path / "real.db")
    try:
        with db.session() as session:
            session.add(Setting(key=PRACTICE_DATE_KEY, value="2019-11-30"))
            session.commit()
            assert practice_date(session) is None
    finally:
        db.dispose()


def _page_texts(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(str(path)).pages]


def test_every_printed_page_of_the_demo_says_practice_and_a_real_one_does_not(tmp_path):
    db = open_database(tmp_path / "demo.db")
    try:
        build_demo_county(db, households=12)
        with db.session() as session:
            ids = list(session.scalars(select(Household.id).order_by(Household.household_number)))
            print_cards(session, ids, tmp_path / "cards.pdf", actor="测试")
            assert practice_mark_on()
            with db.session() as other:  # the same file made "real": the seed is what marks a demo
                other.delete(other.get(Setting, "demo_seed"))
                other.commit()
            print_cards(session, ids[:2], tmp_path / "real.pdf", actor="测试", reprint=True)
    finally:
        db.dispose()
    demo_pages = _page_texts(tmp_path / "cards.pdf")
    assert len(demo_pages) >= 2
    assert all("演示" in text for text in demo_pages)
    assert not any("演示" in text for text in _page_texts(tmp_path / "real.pdf"))


def test_printed_lists_carry_the_mark_on_every_page_only_while_practising(tmp_path):
    from desktop.cards.documents import build_document

    lines = [f"第{n}行 说明文字" for n in range(120)]  # long enough for several pages
    set_practice_mark(True)
    build_document(tmp_path / "demo.pdf", title="公示名单", lines=lines, tables=[])
    set_practice_mark(False)
    build_document(tmp_path / "real.pdf", title="公示名单", lines=lines, tables=[])
    demo_pages = _page_texts(tmp_path / "demo.pdf")
    assert len(demo_pages) >= 2
    assert all("演示" in text for text in demo_pages)
    assert not any("演示" in text for text in _page_texts(tmp_path / "real.pdf"))
