"""Drafts: each autosave is committed on its own, replaces the last one, and is listed for its user."""

from __future__ import annotations

from datetime import datetime

import pytest

from desktop.store.db import open_database
from desktop.store.drafts import (
    AUTOSAVE_SETTING,
    DEFAULT_AUTOSAVE_SECONDS,
    MIN_AUTOSAVE_SECONDS,
    autosave_seconds,
    delete_draft,
    draft_key,
    list_drafts,
    load_draft,
    save_draft,
)
from desktop.store.settings import set_setting

PAYLOAD = {"format": 1, "household": {"id": "h1", "address": "略阳县接官亭镇", "phone": "138"}}


@pytest.fixture
def db(tmp_db_path):
    database = open_database(tmp_db_path)
    yield database
    database.dispose()


def test_a_draft_is_committed_at_once_and_read_back_by_another_connection(db, tmp_db_path) -> None:
    with db.session() as session:
        save_draft(session, "h1", PAYLOAD, household_id="h1", user_name="王干部")
        # no commit by the caller: the autosave committed on its own
    other = open_database(tmp_db_path)
    try:
        with other.session() as session:
            draft = load_draft(session, "h1")
    finally:
        other.dispose()
    assert draft is not None
    assert draft.payload == PAYLOAD
    assert draft.household_id == "h1" and draft.user_name == "王干部"
    assert not draft.is_new_household


def test_saving_a_draft_again_replaces_it(db) -> None:
    with db.session() as session:
        save_draft(session, "h1", PAYLOAD, household_id="h1", user_name="王干部")
        changed = {**PAYLOAD, "household": {**PAYLOAD["household"], "phone": "13912345678"}}
        save_draft(session, "h1", changed, household_id="h1", user_name="王干部")
    with db.session() as session:
        drafts = list_drafts(session)
    assert len(drafts) == 1
    assert drafts[0].payload["household"]["phone"] == "13912345678"


def test_deleting_a_draft_removes_it_and_says_whether_there_was_one(db) -> None:
    with db.session() as session:
        save_draft(session, "h1", PAYLOAD, household_id="h1", user_name="王干部")
        assert delete_draft(session, "h1") is True
        assert delete_draft(session, "h1") is False
    with db.session() as session:
        assert load_draft(session, "h1") is None


def test_drafts_are_listed_newest_first_and_only_the_users_when_asked(db) -> None:
    with db.session() as session:
        save_draft(
            session, "a", PAYLOAD, household_id="a", user_name="王干部", now=datetime(2019, 11, 1)
        )
        save_draft(
            session, "b", PAYLOAD, household_id="b", user_name="李干部", now=datetime(2019, 11, 3)
        )
        new = draft_key(None)
        save_draft(
            session, new, PAYLOAD, household_id=None, user_name="王干部", now=datetime(2019, 11, 2)
        )
    with db.session() as session:
        assert [d.key for d in list_drafts(session)] == ["b", new, "a"]
        mine = list_drafts(session, user_name="王干部")
    assert [d.key for d in mine] == [new, "a"]
    assert new.startswith("new-") and mine[0].is_new_household


def test_a_new_household_gets_a_fresh_key_and_a_stored_one_its_id(db) -> None:
    assert draft_key("0194-abc") == "0194-abc"
    assert draft_key(None) != draft_key(None)
    assert len(draft_key(None)) <= 60  # the column's width


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        (None, DEFAULT_AUTOSAVE_SECONDS),
        ("10", 10.0),
        ("abc", DEFAULT_AUTOSAVE_SECONDS),
        ("0", MIN_AUTOSAVE_SECONDS),
    ],
)
def test_the_autosave_interval_is_a_setting_with_a_three_second_default(
    db, stored, expected
) -> None:
    assert DEFAULT_AUTOSAVE_SECONDS == 3.0
    with db.session() as session:
        if stored is not None:
            set_setting(session, AUTOSAVE_SETTING, stored)
            session.commit()
        assert autosave_seconds(session) == expected
