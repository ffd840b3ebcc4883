"""What the staff's pages show, read from the server's database: scope, overview, village,
household. Reports, quotas, problem lists, the household book and the household list are the
existing functions of ``sync.server.reports`` and ``desktop.store``/``desktop.cards``, called
here; this module only gathers them per page and per the signed-in person's scope.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from desktop.cards.labels import book_value, field_label
from desktop.domain.codes import code_table
from desktop.settings_registry import server_settings
from desktop.store.models import Division, Household, Member, Risk, utcnow
from desktop.store.queries import HouseholdFilter, HouseholdRow, count_households, household_page
from desktop.store.reviews import ReviewCounts, ReviewState, review_counts, review_state
from desktop.store.save import to_book
from desktop.store.search import name_text, normalise_id, normalise_query
from sync.server import reports
from sync.server.models import ChangeLogEntry, Conflict, Device, FeedCounter
from sync.server.web.accounts import Staff

STALE_AFTER = timedelta(days=3)
"""A laptop not seen for this long is marked stale on the overview."""
CHART_DAYS = server_settings().web_chart_days
"""The overview's chart of synced changes covers this many days up to today."""
LIST_PAGE = server_settings().web_list_page
SEARCH_LIMIT = server_settings().web_search_limit
Q19_SOURCES = frozenset({"original_address", "village_committee"})


class NotYours(LookupError):
    """A division or household that does not exist or lies outside the person's scope."""


@dataclass(frozen=True)
class Village:
    id: str
    code: str
    name: str
    township_code: str
    township_name: str


def status_labels() -> dict[str, str]:
    table = code_table("status")
    return {code: table.label(code) for code in table.codes()}


def villages_in_scope(session: Session, staff: Staff, township: str | None = None) -> list[Village]:
    """The villages the person may see (a township reviewer: their township's), optionally only
    one township's (``NotYours`` when that township is outside the scope)."""
    town = aliased(Division)
    query = (
        select(Division.id, Division.code, Division.name, town.code, town.name)
        .join(town, Division.parent_id == town.id)
        .where(Division.level == "village", Division.deleted.is_(False))
        .order_by(Division.code)
    )
    if staff.township_code is not None:
        if township is not None and township != staff.township_code:
            raise NotYours(township)
        township = staff.township_code
    if township is not None:
        query = query.where(town.code == township)
    rows = [Village(*row) for row in session.execute(query)]
    if township is not None and not rows:
        exists = session.scalar(
            select(Division.id).where(Division.code == township, Division.level == "township")
        )
        if exists is None:
            raise NotYours(township)
    return rows


def village_in_scope(session: Session, staff: Staff, code: str) -> Village:
    for village in villages_in_scope(session, staff):
        if village.code == code:
            return village
    raise NotYours(code)


def townships_in_scope(session: Session, staff: Staff) -> list[tuple[str, str]]:
    """(code, name) of the townships the person may see."""
    query = select(Division.code, Division.name).where(
        Division.level == "township", Division.deleted.is_(False)
    )
    if staff.township_code is not None:
        query = query.where(Division.code == staff.township_code)
    return [(c, n) for c, n in session.execute(query.order_by(Division.code))]


# --- overview ---------------------------------------------------------------------------------


@dataclass
class DeviceLine:
    name: str
    villages: list[str]
    last_seen_at: datetime | None
    stale: bool
    role: str


@dataclass
class Overview:
    title: str
    villages: list[Village]
    by_status: list[tuple[str, str, int]]
    total: int
    progress: Any
    per_day: list[tuple[str, int]]
    devices: list[DeviceLine]
    open_conflicts: int
    open_problems: int | None
    problem_errors: int | None
    quota: Any | None
    internal_counts: dict[str, int] = field(default_factory=dict)
    problems_pending: int = 0
    reviews: dict[str, ReviewCounts] = field(default_factory=dict)
    """Per village code: households returned (not changed since) and accepted (issue 17)."""


class FeedCache:
    """Results kept until the data they come from can have changed.

    The audit is the costly part of the pages (about half a second for a village of 400
    households, a minute or more for a county of 50,000), while most views happen between two
    syncs. A village's problem list is kept under its village's state: the last ``server_seq``
    of the village in the change feed (every synced edit, explanations included, moves it), its
    number of households (a registry load bypasses the feed) and the day (procedure rules count
    days); a sync into one village re-audits that village only. Other values (the overview) are
    kept under the whole feed's state (``get``)."""

    MAX_ENTRIES = 2048

    def __init__(self, database: Any = None) -> None:
        self._lock = threading.Lock()
        self._cache: dict[tuple[Any, ...], Any] = {}
        self._latest: dict[tuple[str, int, bool], Any] = {}
        self._database = database  # None: no background audits
        self._jobs: list[tuple[Village, Any, bool, tuple[int, int]]] = []
        self._queued: set[tuple[Any, ...]] = set()
        self._worker: threading.Thread | None = None

    def _lookup(self, full: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        with self._lock:
            if full in self._cache:
                return self._cache[full]
        value = compute()
        with self._lock:
            if len(self._cache) >= self.MAX_ENTRIES:
                self._cache.clear()
            self._cache[full] = value
        return value

    def get(
        self,
        session: Session,
        key: tuple[Any, ...],
        compute: Callable[[], Any],
        *,
        also: tuple[Any, ...] = (),
    ) -> Any:
        """``compute()``'s value for ``key`` while the whole feed, the number of households and
        the day stay as they were (``also``: more state the value depends on)."""
        top = session.scalar(select(func.sum(FeedCounter.last_seq))) or 0  # grows with the feed
        households = session.scalar(select(func.count()).select_from(Household)) or 0
        return self._lookup((*key, top, households, utcnow().date(), *also), compute)

    @staticmethod
    def village_states(session: Session, villages: list[Village]) -> dict[str, tuple[int, int]]:
        """Village id -> (its last feed ``server_seq``, its number of households)."""
        codes = [v.code for v in villages]
        seqs = dict(
            session.execute(
                select(ChangeLogEntry.village_code, func.max(ChangeLogEntry.server_seq))
                .where(ChangeLogEntry.village_code.in_(codes))
                .group_by(ChangeLogEntry.village_code)
            ).all()
        )
        counts = dict(
            session.execute(
                select(Household.village_id, func.count())
                .where(Household.village_id.in_([v.id for v in villages]))
                .group_by(Household.village_id)
            ).all()
        )
        return {v.id: (seqs.get(v.code, 0), counts.get(v.id, 0)) for v in villages}

    def problem_list(
        self,
        session: Session,
        village: Village,
        policy: Any,
        *,
        internal: bool,
        state: tuple[int, int] | None = None,
    ) -> Any:
        """The village's problem list with explanations (``desktop.store.problems``), audited
        now unless it is kept for the village's current state."""
        from desktop.store.problems import village_problem_list

        state = state or self.village_states(session, [village])[village.id]
        key = ("list", village.id, policy.year, internal, *state, utcnow().date())
        listed = self._lookup(
            key, lambda: village_problem_list(session, village.id, policy=policy, internal=internal)
        )
        with self._lock:
            self._latest[(village.id, policy.year, internal)] = listed
        return listed

    def open_problems(
        self, session: Session, villages: list[Village], *, internal: bool
    ) -> tuple[int, int, int]:
        """(open problems, of which errors, villages still being audited) over the villages;
        open: neither fixed nor explained.

        Never audits while the page waits: a village whose list is not kept for its current
        state counts with its previous list (or not at all, the first time) and is audited by
        the background worker; the overview says how many villages are pending."""
        from desktop.store.settings import working_policy

        policy = working_policy(session)
        states = self.village_states(session, villages)
        rows: list[Any] = []
        pending = 0
        for v in villages:
            key = ("list", v.id, policy.year, internal, *states[v.id], utcnow().date())
            with self._lock:
                listed = self._cache.get(key)
                if listed is None:
                    pending += 1
                    listed = self._latest.get((v.id, policy.year, internal))
                    self._enqueue(v, policy, internal, states[v.id])
            if listed is not None:
                rows.extend(r for r in listed.rows if not r.explained)
        return len(rows), sum(1 for r in rows if r.problem.is_error), pending

    # --- the background worker (the caller holds self._lock) ---

    def _enqueue(
        self, village: Village, policy: Any, internal: bool, state: tuple[int, int]
    ) -> None:
        if self._database is None:
            return
        job = (village, policy.year, internal, state)
        if job in self._queued:
            return
        self._queued.add(job)
        self._jobs.append((village, policy, internal, state))
        if self._worker is None or not self._worker.is_alive():
            self._worker = threading.Thread(target=self._work, name="web-audit", daemon=True)
            self._worker.start()

    AUDIT_BATCH = 24
    """Villages audited together by the background worker: the audit's database-wide checks
    (duplicate IDs, shared points) run once per batch instead of once per village."""

    def _work(self) -> None:
        while True:
            with self._lock:
                if not self._jobs:
                    self._worker = None
                    return
                first = self._jobs[0]
                batch = [j for j in self._jobs if (j[1].year, j[2]) == (first[1].year, first[2])][
                    : self.AUDIT_BATCH
                ]
                for job in batch:
                    self._jobs.remove(job)
            try:
                with self._database.session() as session:
                    self._audit_batch(session, batch)
            except Exception:  # a failed audit leaves the villages pending; the next view retries
                pass
            finally:
                with self._lock:
                    for village, policy, internal, state in batch:
                        self._queued.discard((village, policy.year, internal, state))

    def _audit_batch(self, session: Session, batch: list[tuple[Village, Any, bool, Any]]) -> None:
        from desktop.store.problems import village_problem_lists

        _village, policy, internal, _state = batch[0]
        lists = village_problem_lists(
            session, [v.id for v, *_rest in batch], policy=policy, internal=internal
        )
        today = utcnow().date()
        with self._lock:
            if len(self._cache) + len(batch) >= self.MAX_ENTRIES:
                self._cache.clear()
            for village, _policy, _internal, state in batch:
                key = ("list", village.id, policy.year, internal, *state, today)
                self._cache[key] = lists[village.id]
                self._latest[(village.id, policy.year, internal)] = lists[village.id]

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """Whether the background audits finished within ``timeout`` seconds (for tests)."""
        worker = self._worker
        if worker is not None:
            worker.join(timeout)
        return self._worker is None or not self._worker.is_alive()


def overview_devices(session: Session, codes: list[str]) -> list[DeviceLine]:
    """The laptops with villages among ``codes``, with their last sync, stale ones marked."""
    from sync.server.web.resolve import WEB_HOSTNAME

    wanted = set(codes)
    now = utcnow()
    return [
        DeviceLine(
            name=d.name,
            villages=[c for c in d.villages if c in wanted],
            last_seen_at=d.last_seen_at,
            stale=d.last_seen_at is None or now - d.last_seen_at > STALE_AFTER,
            role=d.role,
        )
        for d in session.scalars(
            select(Device).where(Device.revoked.is_(False)).order_by(Device.name)
        )
        if wanted.intersection(d.villages) and d.hostname != WEB_HOSTNAME
    ]


def cached_overview(
    session: Session, staff: Staff, villages: list[Village], title: str, cache: FeedCache
) -> Overview:
    """The overview, recomputed when the feed, the households, the day, the conflicts or the
    devices' sync times change (a sync that brings no change still moves a laptop's time; the
    progress rows show it)."""
    conflicts = session.execute(
        select(func.count(), func.max(Conflict.id), func.max(Conflict.resolved_at)).where(
            Conflict.status == "open"
        )
    ).one()
    devices = session.execute(
        select(func.count(), func.max(Device.last_seen_at), func.max(Device.revoked_at))
    ).one()
    view = cache.get(
        session,
        ("overview", staff.internal, title, tuple(v.id for v in villages)),
        lambda: overview(session, staff, villages, title, cache),
        also=(*conflicts, *devices),
    )
    # read every time: reassigning villages moves no clock, and problem counts fill in as the
    # background audits finish
    problems, errors, pending = cache.open_problems(session, villages, internal=staff.internal)
    return replace(
        view,
        devices=overview_devices(session, [v.code for v in villages]),
        open_problems=problems,
        problem_errors=errors,
        problems_pending=pending,
    )


def overview(
    session: Session,
    staff: Staff,
    villages: list[Village],
    title: str,
    cache: FeedCache | None,
    *,
    today: date | None = None,
) -> Overview:
    today = today or utcnow().date()
    ids = [v.id for v in villages]
    codes = [v.code for v in villages]
    labels = status_labels()
    counts = dict(
        session.execute(
            select(Household.status, func.count())
            .where(Household.deleted.is_(False), Household.village_id.in_(ids))
            .group_by(Household.status)
        ).all()
    )
    by_status = [(code, label, counts.get(code, 0)) for code, label in labels.items()]
    progress = reports.progress_report(session, codes) if codes else None
    since = today - timedelta(days=CHART_DAYS - 1)
    day = func.date(ChangeLogEntry.applied_at)
    per_day_rows = dict(
        (str(d), n)
        for d, n in session.execute(
            select(day, func.count())
            .where(
                ChangeLogEntry.village_code.in_(codes),
                ChangeLogEntry.device_id.is_not(None),
                ChangeLogEntry.applied_at >= datetime.combine(since, datetime.min.time()),
            )
            .group_by(day)
        )
    )
    per_day = [
        (
            (since + timedelta(days=i)).isoformat(),
            per_day_rows.get((since + timedelta(days=i)).isoformat(), 0),
        )
        for i in range(CHART_DAYS)
    ]
    devices = overview_devices(session, codes)
    open_conflicts = (
        session.scalar(
            select(func.count()).where(Conflict.status == "open", Conflict.village_code.in_(codes))
        )
        or 0
    )
    open_problems = errors = None
    quota = None
    internal_counts: dict[str, int] = {}
    if staff.internal:
        quota = reports.quota_report_for(session, codes) if codes else None
        internal_counts = {
            "marginal": session.scalar(
                select(func.count()).where(
                    Household.deleted.is_(False),
                    Household.village_id.in_(ids),
                    Household.marginal.is_(True),
                )
            )
            or 0,
            "monitored": session.scalar(
                select(func.count()).where(
                    Household.deleted.is_(False),
                    Household.village_id.in_(ids),
                    Household.monitored.is_(True),
                )
            )
            or 0,
        }
    return Overview(
        title=title,
        villages=villages,
        by_status=by_status,
        total=sum(counts.values()),
        progress=progress,
        per_day=per_day,
        devices=devices,
        open_conflicts=open_conflicts,
        open_problems=open_problems,
        problem_errors=errors,
        quota=quota,
        internal_counts=internal_counts,
        reviews=review_counts_by_code(session, villages),
    )


def review_counts_by_code(session: Session, villages: list[Village]) -> dict[str, ReviewCounts]:
    """The review counts of ``villages`` by village code (villages with none are left out)."""
    codes = {v.id: v.code for v in villages}
    return {codes[vid]: n for vid, n in review_counts(session, list(codes)).items()}


DEVICE_ROLES = {"field_worker": "驻村工作队", "reviewer": "乡镇审核", "admin": "县级管理"}


@dataclass
class DeviceRow:
    device_id: str
    name: str
    role: str
    villages: list[str]
    enrolled_at: datetime
    last_seen_at: datetime | None
    last_acked_seq: int
    revoked: bool
    stale: bool
    unsynced_hint: str


def device_lines(session: Session) -> list[DeviceRow]:
    """Every enrolled laptop (not the web's own devices), newest first."""
    from sync.server.web.resolve import WEB_HOSTNAME

    now = utcnow()
    rows = []
    for d in session.scalars(select(Device).order_by(Device.enrolled_at.desc())):
        if d.hostname == WEB_HOSTNAME:
            continue
        stale = not d.revoked and (d.last_seen_at is None or now - d.last_seen_at > STALE_AFTER)
        # The server cannot count a laptop's unsent changes; the days since its last sync are
        # the estimate a township office acts on.
        if d.last_seen_at is None:
            hint = "从未同步"
        else:
            days = (now - d.last_seen_at).days
            hint = "今天同步过" if days == 0 else f"{days} 天的修改可能未同步"
        rows.append(
            DeviceRow(
                d.device_id, d.name, d.role, list(d.villages), d.enrolled_at, d.last_seen_at,
                d.last_acked_seq, d.revoked, stale, hint,
            )
        )  # fmt: skip
    return rows


# --- village --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListRequest:
    status: str | None = None
    flag: str | None = None  # marginal | monitored | away (internal ones need the role)
    visited: str | None = None  # yes | no
    problems: bool = False  # only households with open problems (neither fixed nor explained)
    after_number: str | None = None
    after_id: str | None = None


def household_list(
    session: Session,
    staff: Staff,
    village: Village,
    asked: ListRequest,
    policy: Any,
    problems: Any = None,
) -> tuple[list[HouseholdRow], int, tuple[str, str] | None]:
    """A page of the village's households under the filters, its total and the next cursor
    (``problems``: the village's problem list, for the open-problems filter)."""
    with_problems = None
    if asked.problems and problems is not None:
        with_problems = tuple(
            sorted({r.household_id for r in problems.rows if r.household_id and not r.explained})
        )
    filters = HouseholdFilter(
        division_id=village.id,
        status=asked.status or None,
        marginal=True if asked.flag == "marginal" and staff.internal else None,
        monitored=True if asked.flag == "monitored" and staff.internal else None,
        visited_since=policy.work_start if asked.visited == "yes" else None,
        not_visited_since=policy.work_start if asked.visited == "no" else None,
        household_ids=with_problems,
    )
    after = (asked.after_number, asked.after_id) if asked.after_number and asked.after_id else None
    page = household_page(session, filters, after=after, limit=LIST_PAGE, internal=staff.internal)
    total = count_households(session, filters, internal=staff.internal)
    cursor = None
    if page.after is not None and page.rows:
        cursor = (page.rows[-1].household_number, page.rows[-1].id)
    return page.rows, total, cursor


def search_village(
    session: Session, staff: Staff, village: Village, query: str
) -> list[HouseholdRow]:
    """Households of the village matching a name (or part), pinyin initials or full pinyin,
    3+ digits of an ID number, or the household number; on either database.

    The laptop's FTS index (``desktop.store.search``) exists on SQLite only and the server does
    not keep it; one village holds at most a few thousand people, so this reads the village's
    current members once and matches with the same normalisation and pinyin as the index.
    """
    q = normalise_query(query)
    if not q:
        return []
    digits = normalise_id(query)
    members = session.execute(
        select(Member.household_id, Member.name, Member.id_number, Household.household_number)
        .join(Household, Household.id == Member.household_id)
        .where(
            Household.village_id == village.id,
            Household.deleted.is_(False),
            Member.deleted.is_(False),
            Member.left_date.is_(None),
        )
    ).all()
    scores: dict[str, int] = {}

    def hit(household_id: str, score: int) -> None:
        scores[household_id] = min(score, scores.get(household_id, score))

    for household_id, name, id_number, number in members:
        if number and (q == number.lower() or (len(q) >= 3 and q in number.lower())):
            hit(household_id, 0 if q == number.lower() else 3)
        if name:
            if q == name:
                hit(household_id, 1)
            elif q in name:
                hit(household_id, 2 if name.startswith(q) else 3)
            elif q.isascii() and q.isalpha():
                text = name_text(name)
                if q in (text.pinyin, text.initials):
                    hit(household_id, 1)
                elif text.initials.startswith(q) or text.pinyin.startswith(q):
                    hit(household_id, 2)
        if id_number and len(digits) >= 3 and digits in normalise_id(id_number):
            hit(household_id, 1 if digits == normalise_id(id_number) else 3)
    ordered = sorted(scores, key=lambda h: scores[h])[:SEARCH_LIMIT]
    if not ordered:
        return []
    rows = household_page(
        session,
        HouseholdFilter(division_id=village.id, household_ids=tuple(ordered)),
        limit=SEARCH_LIMIT,
        internal=staff.internal,
    ).rows
    rank = {h: i for i, h in enumerate(ordered)}
    return sorted(rows, key=lambda r: rank[r.id])


@dataclass
class MapPoint:
    number: str
    lat: float
    lon: float
    status: str
    fallback: bool


def map_points(
    session: Session, village: Village
) -> tuple[list[MapPoint], tuple[float, float] | None]:
    """The village's located households and its committee point (Q18, Q19)."""
    points = [
        MapPoint(number, lat, lon, status, source in Q19_SOURCES)
        for number, lat, lon, status, source in session.execute(
            select(
                Household.household_number,
                Household.latitude,
                Household.longitude,
                Household.status,
                Household.location_source,
            ).where(
                Household.village_id == village.id,
                Household.deleted.is_(False),
                Household.latitude.is_not(None),
                Household.longitude.is_not(None),
            )
        )
    ]
    committee = session.execute(
        select(Division.committee_latitude, Division.committee_longitude).where(
            Division.id == village.id
        )
    ).one()
    point = (
        (committee[0], committee[1])
        if committee[0] is not None and committee[1] is not None
        else None
    )
    return points, point


def household_labels(session: Session, ids: set[str]) -> dict[str, tuple[str, str]]:
    """Household id -> (household number, head's name), for lists of conflicts."""
    if not ids:
        return {}
    return {
        h: (number, head or "")
        for h, number, head in session.execute(
            select(Household.id, Household.household_number, Household.head_name).where(
                Household.id.in_(list(ids))
            )
        )
    }


# --- household -----------------------------------------------------------------------------------

FORM_SECTIONS: list[tuple[str, list[str]]] = [
    (
        "基本情况",
        [
            "household_number", "address", "status", "attribute", "special_support_mode",
            "identification_standard", "main_cause", "other_causes", "return_causes",
            "identified_year", "exited_year", "returned_year", "member_count", "phone",
            "last_visit_date",
        ],
    ),
    ("内部掌握 (第6问)", ["marginal", "monitored"]),
    (
        "生产生活条件",
        [
            "cultivated_land_mu", "irrigated_land_mu", "forest_land_mu", "production_power",
            "living_power", "drinking_water_difficult", "drinking_water_safe",
            "road_distance_km", "road_type", "housing_area_m2", "dangerous_house",
            "housing_grade", "sanitary_toilet", "fuel_type",
        ],
    ),
    (
        "两不愁三保障",
        [
            "food_assured", "clothing_assured", "education_assured", "medical_assured",
            "housing_assured", "water_assured",
        ],
    ),
    (
        "位置 (第18、19问)",
        [
            "latitude", "longitude", "location_source", "away_long_term", "location_note",
        ],
    ),
]  # fmt: skip
INTERNAL_SECTION = "内部掌握 (第6问)"
EXTRA_LABELS = {
    "member_count": "家庭人口数",
    "last_visit_date": "最近走访",
    "latitude": "纬度",
    "longitude": "经度",
    "location_source": "位置来源",
    "away_long_term": "整户长期外出",
    "location_note": "位置说明",
}
LOCATION_SOURCES = {
    "gps": "卫星定位",
    "manual": "手工录入",
    "original_address": "原住址 (第19问)",
    "village_committee": "村委会位置 (第19问)",
}
MEMBER_FIELDS = ["name", "relation", "sex", "birth_date", "id_number"]


def _label(name: str) -> str:
    label = field_label(name)
    return EXTRA_LABELS.get(name, label) if label == name else label


def _value(name: str, value: Any) -> str:
    if name == "location_source":
        return LOCATION_SOURCES.get(value or "", value or "")
    return book_value(name, to_book(value)) or ""


@dataclass
class HouseholdPage:
    id: str
    number: str
    village: Village
    head: str
    sections: list[tuple[str, list[tuple[str, str]]]]
    members: list[list[str]]
    member_headers: list[str]
    risks: list[list[str]] | None
    book: Any
    review: ReviewState | None = None


def household_in_scope(session: Session, staff: Staff, household_id: str) -> HouseholdPage:
    from desktop.cards.data import household_book

    household = session.get(Household, household_id)
    if household is None or household.deleted:
        raise NotYours(household_id)
    village = next(
        (v for v in villages_in_scope(session, staff) if v.id == household.village_id), None
    )
    if village is None:
        raise NotYours(household_id)
    sections = []
    for title, names in FORM_SECTIONS:
        if title == INTERNAL_SECTION and not staff.internal:
            continue
        sections.append((title, [(_label(n), _value(n, getattr(household, n))) for n in names]))
    members = [
        [_value(n, getattr(m, n)) for n in MEMBER_FIELDS]
        for m in household.members
        if not m.deleted and m.left_date is None
    ]
    risks = None
    if staff.internal:
        risk_types = code_table("risk_type")
        risks = [
            [
                "边缘户" if r.kind == "marginal" else "脱贫监测户",
                risk_types.label(r.risk_type) if r.risk_type in risk_types else r.risk_type,
                r.identified_date.isoformat() if r.identified_date else "",
                "已消除" if r.eliminated else "未消除",
            ]
            for r in session.scalars(
                select(Risk).where(Risk.household_id == household.id, Risk.deleted.is_(False))
            )
        ]
    book = household_book(session, household.id, internal=staff.internal)
    return HouseholdPage(
        id=household.id,
        number=household.household_number,
        village=village,
        head=household.head_name or "",
        sections=sections,
        members=members,
        member_headers=[_label(n) if n != "name" else "姓名" for n in MEMBER_FIELDS],
        risks=risks,
        book=list(reversed(book.entries)),
        review=review_state(session, household.id),
    )
