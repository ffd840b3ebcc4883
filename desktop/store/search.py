"""Household search on the laptop: an FTS5 index kept in step with the registry tables.

A worker finds a household by any current member's name or part of it, by pinyin (initials
``zs`` or full ``zhangsan`` for 张三), by any run of 3+ digits of an ID number, or by the
household number. The index lives in SQLite only (migration ``0002``); the server has no search
box, so every function here is a no-op on PostgreSQL.

Index design (one ``search_docs`` row per current member, one per household for its number):

``search_trigram`` (FTS5, trigram tokenizer) indexes ``name``, ``id_number``,
``household_number``, ``pinyin`` and ``initials`` and answers substring queries of 3 or more
characters. Trigram finds nothing for shorter queries, and most given names and many full names
are 2 characters, so ``search_short`` (FTS5, unicode61, prefix indexes of 1 and 2 characters)
indexes four more columns of the same rows:

- ``words``: the whole name as one token (unicode61 keeps a run of Chinese characters together),
  the full pinyin and the initials as one token each: exact matches (``words:"张三"``) and prefix
  matches (``words:"张"*``);
- ``chars``: the name one character per token, queried as a phrase (``chars:"国 强"`` finds
  王国强);
- ``letters``: the pinyin initials one letter per token, queried as a phrase (``zs``);
- ``village``: the household's village as one token (``village_token``), so a village filter is
  an FTS ``AND`` rather than a join that reads every match (34 -> 0.7 ms median for 王 in one
  village of 200); trigram tiers, which match few rows, filter by a join.

Pinyin comes from pypinyin's ``lazy_pinyin`` (phrase-aware readings); the initials are the first
letter of each syllable of that same reading, which is what ``Style.FIRST_LETTER`` returns. A
first character that is a polyphonic surname (``SURNAME_READINGS``: 单 shan, 曾 zeng, 解 xie …)
is also indexed with its surname readings, as whole-name pinyin and initials (单雄信: ``dxx`` and
``sxx``); pypinyin's own heteronym lists were too broad (王 also gives ``yu``).

Digit queries (ID numbers, household numbers) need at least 3 characters: a 1- or 2-digit query
only finds a household whose number is exactly that. Results come best first: exact household
number, exact name / full ID / whole pinyin, prefix, then contains; within a tier, in index order
(village, household number after a rebuild).

Keeping FTS in step by triggers made bulk inserts 11x slower, so there are none: the save path
calls ``reindex_households`` inside its transaction, and bulk loads call ``rebuild_search_index``
once at the end. ``ensure_search_index`` rebuilds an index that was never built (right after the
migration) or was built by an older ``SEARCH_FORMAT``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

SEARCH_FORMAT = "1"
"""Version of the index text; bump it when ``index_rows_for`` changes so laptops rebuild."""

MIN_SUBSTRING = 3
"""Shortest query the trigram table answers; ID digits and household numbers need this many."""

_CHUNK = 500  # household ids per IN (…) list
# whitespace, control characters (a NUL ends an FTS5 query early) and invisible format marks
_IGNORED = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]+")
_DIGITS = re.compile(r"[0-9]+X?")
_LATIN = re.compile(r"[a-z]+")
_NOT_LETTER = re.compile(r"[^a-z]")

DOC_COLUMNS = (
    "household_id",
    "household_number",
    "name",
    "id_number",
    "pinyin",
    "initials",
    "words",
    "chars",
    "letters",
    "village",
)
TRIGRAM_COLUMNS = ("name", "id_number", "household_number", "pinyin", "initials")
SHORT_COLUMNS = ("words", "chars", "letters", "village")
FTS_TABLES = {"search_trigram": TRIGRAM_COLUMNS, "search_short": SHORT_COLUMNS}


# --- index text (pure functions) ----------------------------------------------------------------


class IndexedMember(NamedTuple):
    """What the index needs of a current member."""

    name: str | None
    id_number: str | None = None


class IndexedHousehold(NamedTuple):
    """What the index needs of a household: its id, number, village and current members."""

    id: str
    household_number: str | None
    members: Sequence[IndexedMember] = ()
    village_id: str | None = None


class NameText(NamedTuple):
    """The index text derived from one name."""

    name: str
    pinyin: str  # full pinyin readings, space separated: "zhangsan"
    initials: str  # initials readings, space separated: "zs"
    words: str  # whole-name tokens: "张三 zhangsan zs"
    chars: str  # one character a token: "张 三"
    letters: str  # one initial a token: "z s"


class SearchDoc(NamedTuple):
    """One row of ``search_docs`` (a member, or the household's own row for its number)."""

    household_id: str
    household_number: str | None = None
    name: str | None = None
    id_number: str | None = None
    pinyin: str | None = None
    initials: str | None = None
    words: str | None = None
    chars: str | None = None
    letters: str | None = None
    village: str | None = None


def normalise_text(value: str | None) -> str:
    """NFKC (full-width to half-width), whitespace and control characters removed.

    How names, numbers and queries are compared.
    """
    if not value:
        return ""
    if not value.isascii():
        value = unicodedata.normalize("NFKC", value)
    return value if value.isalnum() else _IGNORED.sub("", value)


def _is_cjk(char: str) -> bool:
    return unicodedata.name(char, "").startswith("CJK ")


SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    "单": ("shan",),
    "曾": ("zeng",),
    "解": ("xie",),
    "区": ("ou",),
    "仇": ("qiu",),
    "朴": ("piao",),
    "查": ("zha",),
    "盖": ("ge", "gai"),
    "尉": ("wei", "yu"),
    "乐": ("yue", "le"),
    "覃": ("qin", "tan"),
    "翟": ("zhai",),
    "缪": ("miao",),
    "秘": ("bi",),
    "召": ("shao",),
    "员": ("yun",),
    "种": ("chong",),
    "能": ("nai",),
    "繁": ("po",),
    "黑": ("he",),
    "柏": ("bai",),
    "隗": ("wei", "kui"),
    "长": ("chang", "zhang"),
    "折": ("she",),
    "莘": ("shen", "xin"),
    "句": ("gou",),
    "郇": ("huan", "xun"),
    "谌": ("chen", "shen"),
    "牟": ("mou", "mu"),
    "费": ("fei", "bi"),
    "宿": ("su",),
    "沈": ("shen",),
    "薄": ("bo",),
    "车": ("che",),
    "燕": ("yan",),
    "纪": ("ji",),
    "任": ("ren",),
    "宁": ("ning",),
    "都": ("du",),
    "相": ("xiang",),
}
"""Surnames whose reading as a surname differs from (or adds to) pypinyin's default reading."""


def _clean(syllable: str) -> str:
    if syllable.isascii() and syllable.isalpha():
        return syllable.lower()
    return _NOT_LETTER.sub("", syllable.lower())


@lru_cache(maxsize=1)
def _pypinyin() -> tuple[Any, Any]:
    """(``lazy_pinyin``, the phrase dictionary), imported on first use: only indexing needs them,
    and the import costs 0.2 s and 56 MB, which searching and start-up need not pay."""
    from pypinyin import lazy_pinyin
    from pypinyin.phrases_dict import phrases_dict

    return lazy_pinyin, phrases_dict


def lazy_pinyin(text: str) -> list[str]:
    return _pypinyin()[0](text)


@lru_cache(maxsize=16384)
def _char_reading(char: str) -> str | None:
    """pypinyin's default toneless reading of a Chinese character (``None`` if not Chinese)."""
    if not _is_cjk(char):
        return None
    return _clean(lazy_pinyin(char)[0]) or None


def _in_a_phrase(name: str) -> bool:
    """Whether pypinyin's phrase dictionary holds a run of 2+ characters of ``name``."""
    PHRASES_DICT = _pypinyin()[1]  # noqa: N806
    size = len(name)
    for start in range(size - 1):
        for end in range(start + 2, size + 1):
            if name[start:end] in PHRASES_DICT:
                return True
    return False


def _syllables(name: str) -> list[str]:
    """The toneless pinyin of a name, one item per Chinese character, as ``lazy_pinyin`` gives.

    A name of Chinese characters none of whose runs is a dictionary phrase reads character by
    character, so it takes the cached per-character reading: a rebuild reads 100k+ names, and
    ``lazy_pinyin`` costs ~20 µs a name.
    """
    simple = [_char_reading(c) for c in name]
    if all(simple) and not _in_a_phrase(name):
        return simple  # type: ignore[return-value]
    return [s for s in (_clean(item) for item in lazy_pinyin(name)) if s]


def name_text(name: str) -> NameText:
    """Index text of a name: pinyin and initials (with the surname's other readings) and tokens.

    The initials are the first letter of each syllable of the same reading as the full pinyin,
    which is what pypinyin's ``Style.FIRST_LETTER`` gives.
    """
    name = normalise_text(name)
    syllables = _syllables(name)
    full = "".join(syllables)
    initials = "".join(s[0] for s in syllables)
    full_variants = [full] if full else []
    initial_variants = [initials] if initials else []
    if syllables and name[:1] in SURNAME_READINGS:
        rest = syllables[1:]
        for reading in SURNAME_READINGS[name[0]]:
            variant = reading + "".join(rest)
            if variant not in full_variants:
                full_variants.append(variant)
            variant = reading[0] + "".join(s[0] for s in rest)
            if variant not in initial_variants:
                initial_variants.append(variant)
    return NameText(
        name=name,
        pinyin=" ".join(full_variants),
        initials=" ".join(initial_variants),
        words=" ".join([name, *full_variants, *initial_variants]),
        chars=" ".join(c for c in name if c.isalnum()),
        letters=" ".join(initials),
    )


def normalise_id(value: str | None) -> str:
    """An ID number as indexed: half-width, no spaces, ``x`` as ``X``."""
    return normalise_text(value).upper()


def village_token(village_id: str) -> str:
    """The ``search_short`` token of a village: ``v`` and a 64-bit hash of its id in hex.

    Shorter than the UUID (8 MB less per 250k index rows), one unicode61 token whatever the id.
    """
    return "v" + hashlib.blake2b(village_id.encode(), digest_size=8).hexdigest()


def member_doc(
    household_id: str,
    member: IndexedMember,
    cache: dict[str, NameText] | None = None,
    village: str | None = None,
) -> SearchDoc:
    """The index row of one current member (``cache`` keeps name texts across calls)."""
    id_number = normalise_id(member.id_number) or None
    raw = member.name or ""
    text_ = cache.get(raw) if cache is not None else None
    if text_ is None:
        text_ = name_text(raw)
        if cache is not None:
            cache[raw] = text_
    if not text_.name:
        return SearchDoc(household_id, id_number=id_number, village=village)
    return SearchDoc(
        household_id,
        None,
        text_.name,
        id_number,
        text_.pinyin or None,
        text_.initials or None,
        text_.words,
        text_.chars or None,
        text_.letters or None,
        village,
    )


def index_rows_for(households: Iterable[IndexedHousehold]) -> list[SearchDoc]:
    """The ``search_docs`` rows of households: one for the household number, one per member.

    The caller passes only current members (not deleted, ``left_date`` unset); a household with
    no members still gets its own row, so its number finds it. Each distinct name is converted
    to pinyin once per call.
    """
    cache: dict[str, NameText] = {}
    docs: list[SearchDoc] = []
    for household in households:
        number = normalise_text(household.household_number).upper() or None
        village = village_token(household.village_id) if household.village_id else None
        docs.append(SearchDoc(household.id, household_number=number, village=village))
        docs.extend(member_doc(household.id, m, cache, village) for m in household.members)
    return docs


def normalise_query(query: str) -> str:
    """A query as searched: NFKC, no whitespace, letters lower-case, an ID's ``x`` as ``X``."""
    text_ = normalise_text(query)
    if _DIGITS.fullmatch(text_.upper()):
        return text_.upper()
    if _LATIN.fullmatch(text_.lower()):
        return text_.lower()
    return text_


def fts_phrase(value: str) -> str:
    """``value`` as one FTS5 string: operators, quotes and stars inside it are plain text."""
    return '"' + value.replace('"', '""') + '"'


# --- the database side --------------------------------------------------------------------------


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def _chunks(items: Sequence[str], size: int = _CHUNK) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _load_households(
    connection: Connection, household_ids: Sequence[str] | None
) -> list[IndexedHousehold]:
    """Households that are not deleted, with their current members, in index order.

    Reads through the DBAPI cursor: a rebuild reads every member, and SQLAlchemy's row
    processing would double the time.
    """
    where_h = where_m = ""
    params: tuple[str, ...] = ()
    if household_ids is not None:
        marks = ", ".join("?" for _ in household_ids)
        where_h = f" AND id IN ({marks})"
        where_m = f" AND household_id IN ({marks})"
        params = tuple(household_ids)
    cursor = connection.connection.cursor()
    try:
        cursor.execute(
            "SELECT id, household_number, village_id FROM households WHERE deleted = 0"
            f"{where_h} ORDER BY village_id, household_number",
            params,
        )
        households = cursor.fetchall()
        members: dict[str, list[IndexedMember]] = {row[0]: [] for row in households}
        cursor.execute(
            "SELECT household_id, name, id_number FROM members"
            f" WHERE deleted = 0 AND left_date IS NULL{where_m} ORDER BY household_id, position",
            params,
        )
        for household_id, name, id_number in cursor.fetchall():
            listed = members.get(household_id)  # None: a member of a deleted household
            if listed is not None:
                listed.append(IndexedMember(name, id_number))
    finally:
        cursor.close()
    return [
        IndexedHousehold(h_id, number, members[h_id], village_id)
        for h_id, number, village_id in households
    ]


_INSERT_DOCS = (
    f"INSERT INTO search_docs ({', '.join(DOC_COLUMNS)})"
    f" VALUES ({', '.join('?' for _ in DOC_COLUMNS)})"
)


def _insert_docs(connection: Connection, docs: list[SearchDoc]) -> None:
    if docs:
        connection.exec_driver_sql(_INSERT_DOCS, [tuple(d) for d in docs])


def _fts_copy(table: str, columns: Sequence[str], *, delete: bool) -> str:
    """Add (or, with ``delete``, remove) the docs of ``:ids`` to / from an external-content table."""
    cols = ", ".join(columns)
    if delete:
        return (
            f"INSERT INTO {table} ({table}, rowid, {cols})"
            f" SELECT 'delete', doc_id, {cols} FROM search_docs WHERE household_id IN :ids"
        )
    return (
        f"INSERT INTO {table} (rowid, {cols})"
        f" SELECT doc_id, {cols} FROM search_docs WHERE household_id IN :ids"
    )


def reindex_households(session: Session, household_ids: list[str]) -> None:
    """Replace the index rows of these households within the caller's transaction (no commit).

    Reads the households and members as flushed to the database; deleted households and members
    who left drop out. A no-op on anything but SQLite.
    """
    ids = list(dict.fromkeys(household_ids))
    if not ids or not _is_sqlite(session):
        return
    connection = session.connection()
    for chunk in _chunks(ids):
        params = {"ids": list(chunk)}
        ids_param = bindparam("ids", expanding=True)
        for table, columns in FTS_TABLES.items():
            delete = text(_fts_copy(table, columns, delete=True)).bindparams(ids_param)
            connection.execute(delete, params)
        connection.execute(
            text("DELETE FROM search_docs WHERE household_id IN :ids").bindparams(ids_param), params
        )
        _insert_docs(connection, index_rows_for(_load_households(connection, chunk)))
        for table, columns in FTS_TABLES.items():
            insert = text(_fts_copy(table, columns, delete=False)).bindparams(ids_param)
            connection.execute(insert, params)


def rebuild_search_index(session: Session) -> int:
    """Rebuild the whole index from the registry tables; returns the index rows written.

    For bulk loads (the demo county, imports) after their inserts, in their transaction: the
    caller commits. Returns 0 (and does nothing) on anything but SQLite.
    """
    if not _is_sqlite(session):
        return 0
    connection = session.connection()
    connection.exec_driver_sql("DELETE FROM search_docs")
    docs = index_rows_for(_load_households(connection, None))
    _insert_docs(connection, docs)
    for table in FTS_TABLES:
        connection.exec_driver_sql(f"INSERT INTO {table} ({table}) VALUES ('rebuild')")
    connection.exec_driver_sql(
        "INSERT INTO search_state (key, value) VALUES ('format', ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (SEARCH_FORMAT,),
    )
    return len(docs)


def search_index_is_current(session: Session) -> bool:
    """Whether the index was built by this release's ``SEARCH_FORMAT`` (always true off SQLite)."""
    if not _is_sqlite(session):
        return True
    built = session.execute(text("SELECT value FROM search_state WHERE key = 'format'")).scalar()
    return built == SEARCH_FORMAT


def ensure_search_index(session: Session) -> bool:
    """Rebuild the index if it was never built or is of an older format; the caller commits.

    Returns whether it rebuilt. Meant for opening a database after a migration.
    """
    if search_index_is_current(session):
        return False
    rebuild_search_index(session)
    return True


class _Tier(NamedTuple):
    table: str  # search_trigram | search_short
    match: str  # an FTS5 query built from escaped phrases only
    condition: str = ""  # an extra SQL condition on d (search_docs)


def _tiers(query: str) -> list[_Tier]:
    """The FTS queries for a normalised query, best tier first (after exact identifiers)."""
    short = len(query) < MIN_SUBSTRING
    phrase = fts_phrase(query)
    if _DIGITS.fullmatch(query):
        return (
            [] if short else [_Tier("search_trigram", "{id_number household_number} : " + phrase)]
        )
    if _LATIN.fullmatch(query):
        contains = (
            _Tier("search_short", "letters : " + fts_phrase(" ".join(query)))
            if short
            else _Tier("search_trigram", "{pinyin initials household_number} : " + phrase)
        )
        return [
            _Tier("search_short", "words : " + phrase),
            _Tier("search_short", "words : " + phrase + "*"),
            contains,
        ]
    if any(_is_cjk(c) for c in query):
        if short:
            chars = " ".join(c for c in query if c.isalnum())
            contains = _Tier("search_short", "chars : " + fts_phrase(chars))
        else:
            contains = _Tier("search_trigram", "{name} : " + phrase)
        return [
            _Tier("search_short", "words : " + phrase, "d.name = :q"),
            _Tier("search_short", "words : " + phrase + "*", "substr(d.name, 1, length(:q)) = :q"),
            contains,
        ]
    return [] if short else [_Tier("search_trigram", phrase)]


def search_households(
    session: Session,
    query: str,
    *,
    limit: int = 100,
    village_ids: list[str] | None = None,
) -> list[str]:
    """Ids of households matching ``query``, best first, at most ``limit``.

    Matches a current member's name (whole, prefix or any part), pinyin initials or full pinyin,
    3+ digits of an ID number, or the household number (exactly, or 3+ characters of it).
    Order: exact household number, then exact name / full ID number / whole pinyin, then
    prefix, then contains. A digit query that equals a household number or a full ID number
    returns just those households. ``village_ids`` keeps only households of those
    administrative villages. Any text is safe: FTS operators and quotes are searched as plain
    text. An empty query returns []; so does any query on PostgreSQL, which has no index.
    """
    q = normalise_query(query)
    if not q or limit <= 0 or not _is_sqlite(session):
        return []
    if village_ids is not None and not village_ids:
        return []
    params: dict[str, Any] = {"q": q, "limit": limit}
    villages: list[Any] = []
    in_villages = ""
    if village_ids is not None:
        params["villages"] = list(village_ids)
        villages = [bindparam("villages", expanding=True)]
        in_villages = " AND h.village_id IN :villages"

    raw = normalise_text(query)
    params["numbers"] = list(dict.fromkeys([raw, raw.upper(), raw.lower()]))
    numbers = bindparam("numbers", expanding=True)
    exact = session.execute(
        text(
            "SELECT h.id FROM households h WHERE h.household_number IN :numbers"
            f" AND h.deleted = 0{in_villages} ORDER BY h.household_number LIMIT :limit"
        ).bindparams(numbers, *villages),
        params,
    ).scalars()
    found: dict[str, None] = dict.fromkeys(exact)
    if _DIGITS.fullmatch(q) and len(q) in (15, 18):  # a whole ID number: members' own index
        exact = session.execute(
            text(
                "SELECT DISTINCT m.household_id FROM members m"
                " JOIN households h ON h.id = m.household_id"
                " WHERE m.id_number IN :numbers AND m.deleted = 0 AND m.left_date IS NULL"
                f" AND h.deleted = 0{in_villages} LIMIT :limit"
            ).bindparams(numbers, *villages),
            params,
        ).scalars()
        found.update(dict.fromkeys(exact))
    if found and _DIGITS.fullmatch(q):
        return list(found)[:limit]

    tokens = " OR ".join(fts_phrase(village_token(v)) for v in village_ids or ())
    village_join = (
        " JOIN households h ON h.id = d.household_id AND h.village_id IN :villages"
        if village_ids is not None
        else ""
    )
    for tier in _tiers(q):
        if len(found) >= limit:
            break
        match, join = tier.match, village_join
        if village_ids is not None and tier.table == "search_short":
            match, join = f"({match}) AND village : ({tokens})", ""
        condition = f" AND {tier.condition}" if tier.condition else ""
        params.update(match=match, found=list(found), limit=limit - len(found))
        rows = session.execute(
            text(
                f"SELECT DISTINCT d.household_id FROM {tier.table} f"
                f" JOIN search_docs d ON d.doc_id = f.rowid{join}"
                f" WHERE {tier.table} MATCH :match{condition}"
                " AND d.household_id NOT IN :found LIMIT :limit"
            ).bindparams(bindparam("found", expanding=True), *(villages if join else ())),
            params,
        ).scalars()
        found.update(dict.fromkeys(rows))
    return list(found)[:limit]
