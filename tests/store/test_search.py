"""Household search: names whole or in part, pinyin, ID digits and household numbers, on real files."""

from __future__ import annotations

from datetime import date

import pytest
from alembic import command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from desktop.domain.idcard import make_id_number
from desktop.store import search
from desktop.store.db import (
    alembic_config,
    current_revision,
    make_engine,
    open_database,
    registry_writer,
    upgrade,
)
from desktop.store.models import Division, Household, Member
from desktop.store.search import (
    IndexedHousehold,
    IndexedMember,
    ensure_search_index,
    index_rows_for,
    name_text,
    normalise_query,
    rebuild_search_index,
    reindex_households,
    search_households,
    search_index_is_current,
)

REGION = "610424"
SEARCH_TABLES = {"search_docs", "search_trigram", "search_short", "search_state"}

# household number -> (village, [(name, birth date, left date)])
HOUSEHOLDS: dict[str, tuple[str, list[tuple[str, date, date | None]]]] = {
    "6104241002010001": (
        "东街村",
        [("王国强", date(1970, 5, 1), None), ("李秀英", date(1972, 3, 9), None)],
    ),
    "6104241002010002": (
        "东街村",
        [("张三", date(1981, 7, 23), None), ("王芳", date(1983, 1, 2), None)],
    ),
    "6104241002010003": ("东街村", [("张三丰", date(1950, 11, 30), None)]),
    "6104241002020001": (
        "西街村",
        [("李张三", date(1990, 2, 14), None), ("单雄信", date(1966, 6, 6), None)],
    ),
    "6104241002020002": (
        "西街村",
        [("刘备", date(1961, 8, 8), date(2019, 3, 1)), ("赵云", date(1968, 4, 4), None)],
    ),
    "6104241002020003": ("西街村", []),
    "6104241002020004": ("西街村", [("王国强", date(1975, 9, 19), None)]),
}


def id_number(birth: date, seq: int) -> str:
    return make_id_number(REGION, birth, seq, "1")


@pytest.fixture
def db(tmp_path):
    """A real SQLite file with two villages, seven households and a built index."""
    database = open_database(tmp_path / "f.db")
    with database.session() as session, registry_writer(session, "test"):
        county = Division(code=f"{REGION}000000", level="county", name="乾县")
        township = Division(code=f"{REGION}100000", level="township", name="城关镇", parent=county)
        villages = {
            name: Division(code=f"{REGION}100{i:03d}", level="village", name=name, parent=township)
            for i, name in enumerate(("东街村", "西街村"), start=201)
        }
        for seq, (number, (village, people)) in enumerate(HOUSEHOLDS.items()):
            household = Household(household_number=number, village=villages[village], status="poor")
            for position, (name, birth, left) in enumerate(people):
                household.members.append(
                    Member(
                        name=name,
                        position=position,
                        birth_date=birth,
                        id_number=id_number(birth, seq),
                        left_date=left,
                    )
                )
            session.add(household)
        session.commit()
        rebuild_search_index(session)
        session.commit()
    yield database
    database.dispose()


@pytest.fixture
def session(db):
    with db.session() as session:
        yield session


def numbers(session, household_ids: list[str]) -> list[str]:
    """Household numbers of ids, in the given order."""
    by_id = dict(session.execute(select(Household.id, Household.household_number)).all())
    return [by_id[h] for h in household_ids]


def find(session, query: str, **kwargs) -> list[str]:
    return numbers(session, search_households(session, query, **kwargs))


def village_id(session, name: str) -> str:
    return session.scalars(select(Division.id).where(Division.name == name)).one()


# --- names ---------------------------------------------------------------------------------------


def test_a_two_character_given_name_finds_every_household_with_it(session):
    assert sorted(find(session, "国强")) == ["6104241002010001", "6104241002020004"]


def test_a_one_character_surname_finds_households_with_a_member_of_that_name(session):
    assert sorted(find(session, "王")) == [
        "6104241002010001",
        "6104241002010002",
        "6104241002020004",
    ]


def test_a_full_name_ranks_exact_then_prefix_then_contains(session):
    assert find(session, "张三") == ["6104241002010002", "6104241002010003", "6104241002020001"]


def test_a_three_character_name_is_found_whole_and_by_any_three_characters(session):
    assert find(session, "张三丰") == ["6104241002010003"]
    assert find(session, "李张三") == ["6104241002020001"]


def test_full_width_and_spaced_queries_are_normalised(session):
    assert find(session, " 张 三 ")[0] == "6104241002010002"
    assert find(session, "ｚｓ")[0] == "6104241002010002"


# --- pinyin --------------------------------------------------------------------------------------


def test_pinyin_initials_find_the_name(session):
    found = find(session, "zs")
    assert found[0] == "6104241002010002"  # 张三: initials exactly "zs"
    assert "6104241002010003" in found  # 张三丰: "zsf" starts with it
    assert "6104241002020001" in found  # 李张三: "lzs" contains it
    assert find(session, "ZSF") == ["6104241002010003"]


def test_full_pinyin_finds_the_name_in_any_case(session):
    assert find(session, "zhangsan")[0] == "6104241002010002"
    assert find(session, "ZhangSan")[0] == "6104241002010002"
    assert find(session, "wangfang") == ["6104241002010002"]


def test_a_polyphonic_surname_is_found_by_its_surname_reading_and_the_default(session):
    assert find(session, "sxx") == ["6104241002020001"]  # 单 as a surname: shan
    assert find(session, "dxx") == ["6104241002020001"]  # pypinyin's default: dan
    assert find(session, "shanxiongxin") == ["6104241002020001"]


# --- ID digits and household numbers --------------------------------------------------------------


def test_a_run_of_id_digits_from_the_middle_finds_the_household(session):
    number = id_number(date(1981, 7, 23), 1)  # 张三
    assert find(session, number[8:14]) == ["6104241002010002"]  # 810723: birth date digits
    assert find(session, number[9:13]) == ["6104241002010002"]  # 4 digits


def test_a_whole_id_number_finds_its_household_whatever_the_case_of_x(session):
    number = id_number(date(1966, 6, 6), 3)  # 单雄信
    assert find(session, number) == ["6104241002020001"]
    assert find(session, number.lower()) == ["6104241002020001"]


def test_the_exact_household_number_finds_exactly_that_household(session):
    assert find(session, "6104241002010003") == ["6104241002010003"]
    assert find(session, " 6104241002010003 ") == ["6104241002010003"]


def test_part_of_a_household_number_finds_it(session):
    assert find(session, "2020003") == ["6104241002020003"]  # a household with no members


def test_one_or_two_digits_are_too_short(session):
    assert find(session, "1") == []
    assert find(session, "19") == []


# --- who is in the index -------------------------------------------------------------------------


def test_a_member_who_left_is_not_found_but_the_others_are(session):
    assert find(session, "刘备") == []
    assert find(session, "liubei") == []
    assert find(session, id_number(date(1961, 8, 8), 4)) == []
    assert find(session, "赵云") == ["6104241002020002"]


def test_a_deleted_member_and_a_deleted_household_drop_out_on_reindex(session):
    household = session.scalars(
        select(Household).where(Household.household_number == "6104241002010001")
    ).one()
    other = session.scalars(
        select(Household).where(Household.household_number == "6104241002010002")
    ).one()
    with registry_writer(session, "test"):
        household.members[1].deleted = True  # 李秀英
        other.deleted = True
        session.flush()
        reindex_households(session, [household.id, other.id])
        session.commit()
    assert find(session, "李秀英") == []
    assert sorted(find(session, "王国强")) == ["6104241002010001", "6104241002020004"]
    assert find(session, "6104241002010002") == []
    assert find(session, "王芳") == []


# --- queries that look like FTS syntax ----------------------------------------------------------


ZHANG_SAN = ["6104241002010002", "6104241002010003", "6104241002020001"]  # 张三, 张三丰, 李张三
X_IN_PINYIN = ["6104241002010001", "6104241002020001"]  # 李秀英 (xiu), 单雄信 (xiong, xin)


@pytest.mark.parametrize(
    ("query", "expected"),
    [*[(q, []) for q in ('"', '""', "AND", "OR", "NOT", "NEAR", "*", "^", "-", "+", ":", "(",
                         ")", "{", "}", "name:张三", 'words : "张"*', "张 AND 三", "a OR b",
                         "NEAR(a b)", "'", "%", "_", "\\", ";", "·", "張三", "\x00", "00\x00",
                         "00\x00张", "🙂", "a" * 200)],
     ("x", X_IN_PINYIN), ("X", X_IN_PINYIN), ("\u200b张三", ZHANG_SAN)],
)  # fmt: skip
def test_queries_with_fts_syntax_are_plain_text(session, query, expected):
    """Operators, quotes and wildcards are searched for as text (no name holds them, so nothing
    is found, and nothing raises); letters still find pinyin, an invisible space is ignored."""
    assert sorted(find(session, query)) == expected


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=12))
def test_any_text_is_a_safe_query(session, query):
    assert len(search_households(session, query, limit=5)) <= 5


def test_an_empty_query_finds_nothing(session):
    assert search_households(session, "") == []
    assert search_households(session, "   ") == []
    assert search_households(session, "\u3000") == []  # a full-width space


def test_the_limit_caps_the_results(session):
    assert len(search_households(session, "王", limit=2)) == 2


# --- keeping the index in step -------------------------------------------------------------------


def test_reindex_after_a_rename_finds_the_new_name_and_not_the_old(session):
    household = session.scalars(
        select(Household).where(Household.household_number == "6104241002010003")
    ).one()
    with registry_writer(session, "test"):
        household.members[0].name = "孙悟空"
        session.flush()
        reindex_households(session, [household.id])
        session.commit()
    assert find(session, "孙悟空") == ["6104241002010003"]
    assert find(session, "悟空") == ["6104241002010003"]
    assert find(session, "swk") == ["6104241002010003"]
    assert find(session, "张三丰") == []
    assert find(session, "zsf") == []
    assert find(session, "三丰") == []


def test_reindex_picks_up_a_new_member_and_a_member_who_left(session):
    household = session.scalars(
        select(Household).where(Household.household_number == "6104241002020003")
    ).one()
    leaving = session.scalars(select(Member).where(Member.name == "赵云")).one()
    with registry_writer(session, "test"):
        household.members.append(Member(name="诸葛亮", position=0))
        leaving.left_date = date(2019, 10, 1)
        session.flush()
        reindex_households(session, [household.id, leaving.household_id, household.id])
        session.commit()
    assert find(session, "诸葛亮") == ["6104241002020003"]
    assert find(session, "zgl") == ["6104241002020003"]
    assert find(session, "赵云") == []
    assert find(session, "6104241002020003") == ["6104241002020003"]


def test_the_save_path_keeps_the_index_in_step(session):
    from desktop.store.save import save_household

    household = session.scalars(
        select(Household).where(Household.household_number == "6104241002010002")
    ).one()
    household.members[1].name = "王芳芳"
    save_household(session, household, actor="test", validator=lambda _household: [])
    assert find(session, "王芳芳") == ["6104241002010002"]
    assert find(session, "芳芳") == ["6104241002010002"]
    assert find(session, "wangfangfang") == ["6104241002010002"]


def test_a_save_that_changes_no_indexed_field_leaves_the_index_alone(session):
    from desktop.store.save import save_household

    household = session.scalars(
        select(Household).where(Household.household_number == "6104241002010002")
    ).one()
    docs = "SELECT doc_id FROM search_docs WHERE household_id = :h ORDER BY doc_id"
    before = session.execute(text(docs), {"h": household.id}).scalars().all()
    head = household.members[0]
    household.phone = "13900000001"
    head.phone = "13900000002"
    save_household(session, household, actor="test", validator=lambda _household: [])
    kept = session.execute(text(docs), {"h": household.id}).scalars().all()
    head.left_date = date(2019, 6, 1)
    save_household(session, household, actor="test", validator=lambda _household: [])
    after_leaving = session.execute(text(docs), {"h": household.id}).scalars().all()
    assert kept == before
    assert len(after_leaving) == len(before) - 1 and not set(after_leaving) & set(before)
    assert "6104241002010002" not in find(session, "张三")  # the head who left drops out


def test_reindex_of_nothing_or_of_an_unknown_household_is_harmless(session):
    reindex_households(session, [])
    reindex_households(session, ["no-such-household"])
    session.commit()
    assert find(session, "张三丰") == ["6104241002010003"]


def test_a_rebuild_gives_the_same_answers_and_counts_its_rows(session):
    before = {q: find(session, q) for q in ("王", "国强", "zs", "810723", "2020003")}
    # 7 household rows + 9 current members (刘备 left)
    assert rebuild_search_index(session) == 16
    session.commit()
    assert {q: find(session, q) for q in before} == before


# --- village filter -------------------------------------------------------------------------------


def test_the_village_filter_keeps_only_those_villages(session):
    east, west = village_id(session, "东街村"), village_id(session, "西街村")
    assert find(session, "国强", village_ids=[east]) == ["6104241002010001"]
    assert find(session, "国强", village_ids=[west]) == ["6104241002020004"]
    assert sorted(find(session, "国强", village_ids=[east, west])) == [
        "6104241002010001",
        "6104241002020004",
    ]
    assert find(session, "张三", village_ids=[west]) == ["6104241002020001"]  # trigram tier
    assert find(session, "zs", village_ids=[west]) == ["6104241002020001"]
    assert find(session, "6104241002010001", village_ids=[west]) == []
    assert find(session, "2020003", village_ids=[west]) == ["6104241002020003"]
    assert find(session, "2020003", village_ids=[east]) == []
    assert find(session, "王", village_ids=[]) == []


# --- pure index text -----------------------------------------------------------------------------


def test_name_text_holds_pinyin_initials_and_tokens():
    assert name_text("张三") == ("张三", "zhangsan", "zs", "张三 zhangsan zs", "张 三", "z s")
    shan = name_text("单雄信")
    assert shan.pinyin.split() == ["danxiongxin", "shanxiongxin"]
    assert shan.initials.split() == ["dxx", "sxx"]
    assert name_text("吕 布").pinyin == "lvbu"  # whitespace dropped, ü typed as v
    assert name_text("阿卜杜·热合曼").chars == "阿 卜 杜 热 合 曼"


def test_index_rows_for_keeps_a_household_with_no_members_by_its_number():
    rows = index_rows_for(
        [
            IndexedHousehold("h1", "６１０４２４", [], "v-1"),
            IndexedHousehold("h2", "2", [IndexedMember("王芳", "61042419830102001x")]),
        ]
    )
    assert [(r.household_id, r.household_number, r.name, r.id_number) for r in rows] == [
        ("h1", "610424", None, None),
        ("h2", "2", None, None),
        ("h2", None, "王芳", "61042419830102001X"),
    ]
    assert rows[0].village == search.village_token("v-1")
    assert rows[1].village is None and rows[2].village is None


def test_normalise_query():
    assert normalise_query(" ＺＳ ") == "zs"
    assert normalise_query("61042419830102001x") == "61042419830102001X"
    assert normalise_query("张 三") == "张三"
    assert normalise_query("\t") == ""
    assert normalise_query("张\u200b三\x00") == "张三"


# --- migration -----------------------------------------------------------------------------------


def test_the_migration_builds_the_index_tables_and_opening_fills_them(tmp_path):
    engine = make_engine(tmp_path / "fresh.db")
    upgrade(engine)
    assert set(inspect(engine).get_table_names()) >= SEARCH_TABLES
    with Session(engine) as session:
        assert not search_index_is_current(session)  # migrated, built by nobody yet
    engine.dispose()

    database = open_database(tmp_path / "fresh.db")
    with database.session() as session:
        assert search_index_is_current(session)  # opening the database built it
        assert not ensure_search_index(session)
        assert search_households(session, "张三") == []
    database.dispose()


def test_0002_downgrades_to_0001_and_upgrades_again(tmp_path):
    engine = make_engine(tmp_path / "f.db")
    upgrade(engine, "0001")
    assert not SEARCH_TABLES & set(inspect(engine).get_table_names())
    upgrade(engine, "0002")
    assert set(inspect(engine).get_table_names()) >= SEARCH_TABLES
    command.downgrade(alembic_config(engine), "0001")
    assert current_revision(engine) == "0001"
    tables = set(inspect(engine).get_table_names())
    assert not {t for t in tables if t.startswith("search_")}
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM households")).scalar() == 0
    upgrade(engine)
    assert set(inspect(engine).get_table_names()) >= SEARCH_TABLES
    engine.dispose()


def test_everything_is_a_no_op_without_sqlite():
    class FakeSession:
        def get_bind(self):
            return type("Bind", (), {"dialect": type("Dialect", (), {"name": "postgresql"})})()

    fake = FakeSession()
    assert search.rebuild_search_index(fake) == 0  # type: ignore[arg-type]
    assert search.reindex_households(fake, ["h1"]) is None  # type: ignore[arg-type]
    assert search.search_households(fake, "张三") == []  # type: ignore[arg-type]
    assert search.search_index_is_current(fake)  # type: ignore[arg-type]
