"""The data-quality audit of one household (疑似问题审核, guide Q4; domain-reference.md §3).

Every rule is a ``Rule`` in the registry ``RULES``: a stable id, a severity, a level (``household``
rules run once per household, ``member`` rules once per current member) and a check function.
Ids carry the national question number where one is known (``R40_…`` … ``R80_…`` from the
2015–2017 list, ``R1_01_00x_…`` from the 2021+ list); ``X_…`` ids are Fieldbook's own rules that
follow from the fields (§3.3). ``rule_catalogue()`` lists them for a printed rule list.

``RULES`` also holds the guide's rules (``desktop.domain.audit_guide``: the rest of the 2015–2017
list, the 2021+ rules that apply to 2019 and the guide's own, Q4–Q20), registered after this
module's, so ``audit_household`` runs every rule on one ``HouseholdAudit``.

Errors (ID validity, no or several heads, duplicate IDs, negative income, a household flagged
both marginal and monitored or flagged against its status, invalid procedure steps, an
unfinished procedure) refuse a save, except those in ``SAVE_EXEMPT``; everything else is a
warning (疑似问题) that may be saved with a reason.

Only current members count (not a tombstone, no ``left_date``), except in
``X_DEAD_MEMBER_COUNTED``, which looks at the people who left. Ages are whole years on the policy
year's snapshot date (Q8). The audit reads the records through the attribute names documented in
``desktop.domain.records`` and never writes to them.
"""

from __future__ import annotations

import dataclasses
import functools
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from desktop.domain import income as income_rules
from desktop.domain.audit_guide import GUIDE_RULES
from desktop.domain.clock import today as clock_today
from desktop.domain.codes import code_table, implied_sex
from desktop.domain.geo import LatLon
from desktop.domain.idcard import IdInfo, age_on, check_id
from desktop.domain.location_rules import household_location_problems
from desktop.domain.policy import PolicyYear, policy_for
from desktop.domain.problems import Problem, Severity, Text, problem, t, term
from desktop.domain.records import HouseholdLike, IncomeLike, MemberLike, is_current

Level = Literal["household", "member"]

# --- codes the rules look for (national code tables, resources/codes/*.json) ---------------------

HEAD = "01"  # relation 户主
SPOUSE = "02"  # relation 配偶
YOUNGER_GENERATIONS = frozenset(
    {"03", "04", "05", "06", "07", "08", "09", "10"}
)  # 子女, 媳婿, 孙辈
HEAD_ELDERS = frozenset({"11", "12", "17", "18", "19", "20"})  # 父母, 祖父母, 外祖父母
SPOUSE_ELDERS = frozenset({"13", "14", "15", "16"})  # 岳父母, 公婆 (the spouse's parents)
HEALTHY = "01"  # health 健康
DISABLED = "04"  # health 残疾
NOT_IN_SCHOOL = "01"  # school_status 非在校生
NO_LABOUR = frozenset({"03", "04"})  # labour_skill 丧失劳动力, 无劳动力
RESIDENT_ID = "01"  # id_type 身份证
DISABILITY_CERT = "09"  # id_type 残疾人证
DEATH = "01"  # natural_change_reason 死亡
CAUSE_ILLNESS = "01"
CAUSE_DISABILITY = "02"
CAUSE_EDUCATION = "03"
POOR = "poor"
EXITED = frozenset({"exited", "exited_stable"})
MAX_OTHER_CAUSES = 2  # national form: 其他致贫原因 at most 2 (§1.4)

ID_LENGTH_CODES = frozenset({"ID_EMPTY", "ID_BAD_LENGTH", "ID_LEGACY_15"})
PERSON_NUMBER_KINDS = frozenset({"resident18", "disability20"})
RESIDENT_ID_LENGTH = 18


# --- rules and the registry ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rule:
    """One audit rule: its stable id, severity, level, a Chinese description and its check.

    The description may name policy figures as ``{field}`` of ``PolicyYear``
    (``rule_catalogue`` fills them in).

    A household rule's check is ``check(rule, audit)``; a member rule's is
    ``check(rule, audit, member_facts)``. Either returns the problems found (or None).
    """

    id: str
    severity: Severity
    level: Level
    description: str
    check: Callable[..., Sequence[Problem] | None]

    def problem(self, field: str, message: Text | str, entity_id: str | None) -> Problem:
        """A problem of this rule (its id as code, its severity)."""
        return problem(self.id, field, self.severity, message, entity_id)


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """A line of the printed rule list."""

    id: str
    severity: Severity
    level: Level
    description: str


_registry: list[Rule] = []


def _rule(
    rule_id: str, severity: Severity, level: Level, description: str
) -> Callable[[Callable[..., Sequence[Problem] | None]], Callable[..., Sequence[Problem] | None]]:
    def register(
        check: Callable[..., Sequence[Problem] | None],
    ) -> Callable[..., Sequence[Problem] | None]:
        if any(r.id == rule_id for r in _registry):
            raise ValueError(f"duplicate audit rule id {rule_id}")
        _registry.append(Rule(rule_id, severity, level, description, check))
        return check

    return register


ERROR = Severity.ERROR
WARNING = Severity.WARNING


# --- what the rules read, computed once per household -------------------------------------------


@functools.lru_cache(maxsize=512)
def _implied_sex(relation: str, head_sex: str | None) -> str | None:
    return implied_sex(relation, head_sex)


def _label(table: str, code: str | None) -> Text:
    """A code's label as words the interface translates (未填 when there is none)."""
    return term(code_table(table).label(code) if code else "未填")


def _name(name: str | None) -> Text:
    """成员“张三” (成员“未填姓名” when the name is empty)."""
    return t("成员“{name}”", name=name or term("未填姓名"))


class MemberFacts:
    """One current member with what the rules read, each attribute read once from the record.

    ``sex`` and ``birth`` fall back to the ID's when the form leaves them empty (and the ID is
    valid); ``recorded_sex`` and ``recorded_birth`` are what the form says.
    """

    __slots__ = (
        "member",
        "id",
        "relation",
        "recorded_sex",
        "recorded_birth",
        "id_type",
        "disability_cert_number",
        "school_status",
        "labour_skill",
        "work_months",
        "min_living_allowance",
        "special_support",
        "id_info",
        "id_ok",
        "id_problems",
        "person_key",
        "birth",
        "age",
        "sex",
        "health",
        "in_school",
        "has_disability_cert",
    )

    def __init__(self, member: MemberLike, id_info: IdInfo | None, snapshot: date) -> None:
        self.member = member
        self.id = member.id
        self.relation = member.relation
        self.recorded_sex = sex = member.sex
        self.recorded_birth = birth = member.birth_date
        self.id_type = member.id_type
        self.disability_cert_number = member.disability_cert_number
        self.school_status: str | None = member.school_status
        school_status = self.school_status
        self.labour_skill = member.labour_skill
        self.work_months = member.work_months
        self.min_living_allowance = member.min_living_allowance
        self.special_support = member.special_support
        self.id_info = id_info
        if id_info is None:
            self.id_problems: tuple[Problem, ...] = ()
            self.id_ok = False
            self.person_key = None
        else:
            self.id_problems = id_info.problems
            self.id_ok = id_ok = id_info.is_valid
            self.person_key = _person_key(id_info)
            if id_ok:
                birth = birth or id_info.birth_date
                sex = sex or id_info.sex
        self.birth = birth
        self.age = age_on(birth, snapshot) if birth and birth <= snapshot else None
        self.sex = sex
        health = member.health
        self.health = frozenset(health) if health else _NO_HEALTH
        self.in_school = school_status is not None and school_status != NOT_IN_SCHOOL
        self.has_disability_cert = self.id_type == DISABILITY_CERT or bool(
            self.disability_cert_number
        )

    @property
    def who(self) -> Text:
        """The member as messages name them: ``成员“张三”`` (made only when a message needs it)."""
        return _name(self.member.name)


_NO_HEALTH: frozenset[str] = frozenset()


def _person_key(info: IdInfo | None) -> str | None:
    """The resident ID a well-formed number belongs to (a disability number's first 18 characters).

    Numbers of other lengths are not compared: they are ``R40_ID_LENGTH`` errors already.
    """
    if info is None or info.kind not in PERSON_NUMBER_KINDS:
        return None
    return info.number[:RESIDENT_ID_LENGTH]


class HouseholdAudit:
    """The facts of one household audit, shared by all rules (IDs are checked once each)."""

    def __init__(self, household: HouseholdLike, policy: PolicyYear, today: date) -> None:
        self.household = household
        self.id = household.id
        self.status = household.status
        self.main_cause = household.main_cause
        self.other_causes: list[str] = list(household.other_causes or ())
        self.policy = policy
        self.today = today
        self._id_cache: dict[tuple[str, str | None], IdInfo] = {}
        self.all_members: list[MemberLike] = list(household.members or ())
        snapshot = policy.snapshot_date
        self.members = [
            MemberFacts(m, self.check_id(m.id_number), snapshot)
            for m in self.all_members
            if is_current(m)
        ]
        self.id_counts: Counter[str] = Counter()
        """How many current members carry each person key (see ``_person_key``)."""
        self.heads: list[MemberFacts] = []
        self.spouse: MemberFacts | None = None
        for f in self.members:
            if f.person_key is not None:
                self.id_counts[f.person_key] += 1
            if f.relation == HEAD:
                self.heads.append(f)
            elif f.relation == SPOUSE and self.spouse is None:
                self.spouse = f
        self.head = self.heads[0] if len(self.heads) == 1 else None
        self.income = self._policy_income()
        self.wage_income: Decimal | None = (
            income_rules.money(self.income.wage_income) if self.income is not None else None
        )
        """工资性收入 of the policy year (None when the year has no income record)."""
        self._totals: income_rules.IncomeTotals | None = None
        self._income_problems: list[Problem] | None = None

    def check_id(self, number: str | None, field: str = "member.id_number") -> IdInfo:
        """``check_id`` of a number, computed once per number and field within this audit."""
        key = (field, number)
        found = self._id_cache.get(key)
        if found is None:
            found = self._id_cache[key] = check_id(number, today=self.today, field=field)
        return found

    def _policy_income(self) -> IncomeLike | None:
        for income in self.household.incomes or ():
            if not income.deleted and income.policy_year == self.policy.year:
                return income
        return None

    @property
    def per_capita(self) -> Decimal | None:
        """Per-capita net income of the policy year, over the current members (None if unknown)."""
        if self.income is None:
            return None
        if self._totals is None:
            self._totals = income_rules.income_totals(self.income, len(self.members))
        return self._totals.per_capita

    def income_problems(self) -> list[Problem]:
        """``income_problems`` of the policy year's income (once per audit), on the household."""
        if self._income_problems is None:
            self._income_problems = (
                income_rules.income_problems(
                    self.income, len(self.members), self.policy, entity_id=self.id
                )
                if self.income is not None
                else []
            )
        return self._income_problems


# --- household rules ----------------------------------------------------------------------------


@_rule("X_NO_MEMBERS", WARNING, "household", "户内没有现有家庭成员（空户）")
def _no_members(rule: Rule, a: HouseholdAudit) -> list[Problem] | None:
    if a.members:
        return None
    return [
        rule.problem(
            "household.members",
            t("本户没有现有家庭成员（空户），请补录家庭成员，或核实该户是否应当注销。"),
            a.id,
        )
    ]


@_rule(
    "OP_RECORDED_OUTSIDE_CALENDAR",
    WARNING,
    "household",
    "操作记录的日期不在工作日历允许的时间内（如录入截止后办理的新识别）",
)
def _operation_outside_calendar(rule: Rule, a: HouseholdAudit) -> list[Problem] | None:
    # Only records already loaded with the household are read (no query from a rule): the save
    # loads them, and so does a pull. A record the save refused never exists; one that came from
    # elsewhere (an older client, a bundle) is reported here, not refused, so it cannot jam.
    from desktop.domain.operations import Operation, calendar_problems, operation_label

    records = vars(a.household).get("operations") if hasattr(a.household, "__dict__") else None
    found = []
    for record in records or ():
        if getattr(record, "deleted", False) or record.policy_year != a.policy.year:
            continue
        try:
            op = Operation(record.operation)
        except ValueError:
            continue
        refused = calendar_problems(op, policy=a.policy, moment=record.done_at)
        if refused:
            done = record.done_at
            found.append(
                rule.problem(
                    "household.status",
                    t(
                        "{year}年{month}月{day}日办理的{operation}不符合工作日历：{reason}",
                        year=done.year,
                        month=done.month,
                        day=done.day,
                        operation=term(operation_label(op)),
                        reason=refused[0].words,
                    ),
                    a.id,
                )
            )
    return found or None


@_rule("R50_NO_HEAD", ERROR, "household", "户内没有户主（与户主关系为“户主”的成员）")
def _no_head(rule: Rule, a: HouseholdAudit) -> list[Problem] | None:
    if not a.members or a.heads:
        return None
    return [
        rule.problem(
            "member.relation",
            t("本户没有户主，请把一名家庭成员的“与户主关系”设为“户主”。"),
            a.id,
        )
    ]


@_rule("R80_SEVERAL_HEADS", ERROR, "household", "户内有多个户主")
def _several_heads(rule: Rule, a: HouseholdAudit) -> list[Problem] | None:
    if len(a.heads) < 2:
        return None
    return [
        rule.problem(
            "member.relation",
            t(
                "本户有{count}个户主（{names}），只能有一个户主，请核对“与户主关系”。",
                count=len(a.heads),
                names=[f.who for f in a.heads],
            ),
            a.id,
        )
    ]


@_rule(
    "X_DEAD_MEMBER_COUNTED",
    WARNING,
    "household",
    "已减少（死亡、迁出等）的成员仍计入家庭人口数，或家庭人口数与现有成员数不符",
)
def _dead_member_counted(rule: Rule, a: HouseholdAudit) -> list[Problem] | None:
    found: list[Problem] = []
    for m in a.all_members:
        if m.deleted or m.left_date is not None or not m.left_reason:
            continue
        found.append(
            rule.problem(
                "member.left_date",
                t(
                    "{who}已登记减少原因“{reason}”，但没有减少日期，仍被计入家庭人口，请填写减少日期。",
                    who=_name(m.name),
                    reason=_label("natural_change_reason", m.left_reason),
                ),
                m.id,
            )
        )
    recorded = a.household.member_count
    if recorded is not None and recorded != len(a.members):
        left = [
            m
            for m in a.all_members
            if not m.deleted and (m.left_date is not None or m.left_reason == DEATH)
        ]
        detail: Text | str = ""
        if left and recorded > len(a.members):
            detail = t("，已减少的{names}可能仍被计入", names=[_name(m.name) for m in left])
        found.append(
            rule.problem(
                "household.member_count",
                t(
                    "家庭人口数为{recorded}人，但现有家庭成员为{current}人{detail}，"
                    "请核对家庭人口数和成员的减少登记。",
                    recorded=recorded,
                    current=len(a.members),
                    detail=detail,
                ),
                a.id,
            )
        )
    return found


@_rule("R51A_TOO_MANY_OTHER_CAUSES", WARNING, "household", "其他致贫原因超过2项")
def _too_many_other_causes(rule: Rule, a: HouseholdAudit) -> list[Problem] | None:
    others = a.other_causes
    if len(others) <= MAX_OTHER_CAUSES:
        return None
    return [
        rule.problem(
            "household.other_causes",
            t(
                "其他致贫原因选了{count}项（{labels}），最多只能选{most}项，请核对其他致贫原因。",
                count=len(others),
                labels=[_label("poverty_cause", c) for c in others],
                most=MAX_OTHER_CAUSES,
            ),
            a.id,
        )
    ]


@_rule("R51B_OTHER_CAUSE_REPEATS_MAIN", WARNING, "household", "其他致贫原因与主要致贫原因重复")
def _other_cause_repeats_main(rule: Rule, a: HouseholdAudit) -> list[Problem] | None:
    main = a.main_cause
    if not main or main not in a.other_causes:
        return None
    return [
        rule.problem(
            "household.other_causes",
            t(
                "其他致贫原因中的“{cause}”与主要致贫原因重复，请从其他致贫原因中去掉它。",
                cause=_label("poverty_cause", main),
            ),
            a.id,
        )
    ]


def _income_rule(code: str, description: str) -> None:
    def check(rule: Rule, a: HouseholdAudit) -> list[Problem]:
        return [p for p in a.income_problems() if p.code == rule.id]

    _rule(code, income_rules.INCOME_SEVERITIES[code], "household", description)(check)


_income_rule(income_rules.INCOME_NEGATIVE, "收入、生产经营性支出或收入明细为负数")
_income_rule(income_rules.INCOME_ITEMS_MISMATCH, "收入明细合计与所属收入项不一致")
_income_rule(income_rules.INCOME_PERIOD_MISMATCH, "收入计算周期与本年度规定的周期不一致")
_income_rule(income_rules.R45_INCOME_RANGE, "人均纯收入为0或超过{income_plausible_max}元")
_income_rule(
    income_rules.INCOME_TOTAL_MISMATCH,
    "登记的人均纯收入与各项收入按公式计算的不符（如导入的收入对不上）",
)


@_rule(
    "X_EXITED_BELOW_LINE",
    WARNING,
    "household",
    "已脱贫户人均纯收入低于本年度脱贫标准（{exit_line_per_capita}元）",
)
def _exited_below_line(rule: Rule, a: HouseholdAudit) -> list[Problem] | None:
    if a.status not in EXITED:
        return None
    per_capita = a.per_capita
    line = a.policy.exit_line_per_capita
    if per_capita is None or per_capita >= line:
        return None
    return [
        rule.problem(
            "income.wage_income",
            t(
                "本户为{status}，但{year}年度人均纯收入{per_capita}元低于脱贫标准{line}元，"
                "请核对收入，或核实是否应当返贫。",
                status=_label("status", a.status),
                year=a.policy.year,
                per_capita=per_capita,
                line=line,
            ),
            a.id,
        )
    ]


@_rule("R53_WAGE_WITHOUT_WORK_MONTHS", WARNING, "household", "有工资性收入但无成员有务工时间")
def _wage_without_work_months(rule: Rule, a: HouseholdAudit) -> list[Problem] | None:
    wage = a.wage_income
    if not a.members or wage is None or wage <= 0:
        return None
    if any((f.work_months or 0) > 0 for f in a.members):
        return None
    return [
        rule.problem(
            "member.work_months",
            t(
                "本户工资性收入为{wage}元，但没有成员填写务工时间，请核对务工成员的务工时间或工资性收入。",
                wage=wage,
            ),
            a.id,
        )
    ]


def _poor_with_main_cause(a: HouseholdAudit, cause: str) -> bool:
    return a.status == POOR and a.main_cause == cause and bool(a.members)


@_rule("R71_ILLNESS_CAUSE_ALL_HEALTHY", WARNING, "household", "未脱贫户全家健康却因病致贫")
def _illness_cause_all_healthy(rule: Rule, a: HouseholdAudit) -> list[Problem] | None:
    if not _poor_with_main_cause(a, CAUSE_ILLNESS):
        return None
    if not all(f.health and f.health <= {HEALTHY} for f in a.members):
        return None
    return [
        rule.problem(
            "household.main_cause",
            t(
                "主要致贫原因为“因病”，但全家成员健康状况都是“健康”，请核对主要致贫原因或成员健康状况。"
            ),
            a.id,
        )
    ]


@_rule("R72_EDUCATION_CAUSE_NO_STUDENT", WARNING, "household", "未脱贫户全家无在校生却因学致贫")
def _education_cause_no_student(rule: Rule, a: HouseholdAudit) -> list[Problem] | None:
    if not _poor_with_main_cause(a, CAUSE_EDUCATION) or any(f.in_school for f in a.members):
        return None
    return [
        rule.problem(
            "household.main_cause",
            t("主要致贫原因为“因学”，但全家没有在校生，请核对主要致贫原因或成员的在校生状况。"),
            a.id,
        )
    ]


@_rule("R73_DISABILITY_CAUSE_NO_DISABLED", WARNING, "household", "未脱贫户全家无残疾人却因残致贫")
def _disability_cause_no_disabled(rule: Rule, a: HouseholdAudit) -> list[Problem] | None:
    if not _poor_with_main_cause(a, CAUSE_DISABILITY):
        return None
    if any(DISABLED in f.health or f.has_disability_cert for f in a.members):
        return None
    return [
        rule.problem(
            "household.main_cause",
            t(
                "主要致贫原因为“因残”，但全家没有残疾成员，请核对主要致贫原因或成员的健康状况、残疾人证。"
            ),
            a.id,
        )
    ]


@_rule(
    "R76_MIN_LIVING_AND_SPECIAL_SUPPORT",
    WARNING,
    "household",
    "同一户同时享受低保和特困供养（同时领取低保金和五保金）",
)
def _min_living_and_special_support(rule: Rule, a: HouseholdAudit) -> list[Problem] | None:
    allowance = [f for f in a.members if f.min_living_allowance]
    support = [f for f in a.members if f.special_support]
    if not allowance or not support:
        return None
    return [
        rule.problem(
            "member.min_living_allowance",
            t(
                "本户同时有享受低保的成员（{allowance}）和特困供养人员（{support}），"
                "请核对成员的“是否享受低保”和“是否特困供养”。",
                allowance=[f.who for f in allowance],
                support=[f.who for f in support],
            ),
            a.id,
        )
    ]


# --- member rules -------------------------------------------------------------------------------


def _id_problems(rule: Rule, f: MemberFacts, wanted: Callable[[Problem], bool]) -> list[Problem]:
    return [rule.problem(p.field, _whose(f, p), f.id) for p in f.id_problems if wanted(p)]


def _whose(f: MemberFacts, p: Problem) -> Text:
    """A member's problem found by another check (the ID's): ``成员“张三”：…``."""
    return t("{who}：{message}", who=f.who, message=p.words)


@_rule("R40_ID_LENGTH", ERROR, "member", "证件号码为空或长度异常（不是18位身份证、20位残疾人证号）")
def _id_length(rule: Rule, a: HouseholdAudit, f: MemberFacts) -> list[Problem] | None:
    if f.id_ok:
        return None
    return _id_problems(rule, f, lambda p: p.code in ID_LENGTH_CODES)


@_rule(
    "R1_01_003_ID_INVALID",
    ERROR,
    "member",
    "证件号码无效（含非法字符、省份代码或出生日期无效、校验码错误、残疾类别或等级无效）",
)
def _id_invalid(rule: Rule, a: HouseholdAudit, f: MemberFacts) -> list[Problem] | None:
    if f.id_ok:
        return None
    return _id_problems(rule, f, lambda p: p.is_error and p.code not in ID_LENGTH_CODES)


@_rule("X_ID_SUSPICIOUS", WARNING, "member", "证件号码可疑（如出生日期早于1900年）")
def _id_suspicious(rule: Rule, a: HouseholdAudit, f: MemberFacts) -> list[Problem] | None:
    if not f.id_problems:
        return None
    return _id_problems(rule, f, lambda p: not p.is_error)


@_rule(
    "R43_DISABILITY_CERT_NUMBER",
    ERROR,
    "member",
    "残疾人证号不符合规则（证件类型为残疾人证但不是20位，或残疾人证号无效）",
)
def _disability_cert_number(rule: Rule, a: HouseholdAudit, f: MemberFacts) -> list[Problem] | None:
    kind = f.id_info.kind if f.id_info is not None else "unknown"
    if f.id_type != DISABILITY_CERT and kind != "disability20" and not f.disability_cert_number:
        return None
    found: list[Problem] = []
    if f.id_type == DISABILITY_CERT and kind != "disability20" and kind != "unknown":
        found.append(
            rule.problem(
                "member.id_number",
                t(
                    "{who}的证件类型为残疾人证，证件号码应为20位残疾人证号（身份证号+残疾类别+残疾等级），"
                    "请核对证件号码或证件类型。",
                    who=f.who,
                ),
                f.id,
            )
        )
    elif f.id_type == RESIDENT_ID and kind == "disability20":
        found.append(
            rule.problem(
                "member.id_type",
                t(
                    "{who}的证件号码是20位残疾人证号，但证件类型为身份证，请把证件类型改为残疾人证。",
                    who=f.who,
                ),
                f.id,
            )
        )
    if f.disability_cert_number:
        cert = a.check_id(f.disability_cert_number, field="member.disability_cert_number")
        if cert.kind != "disability20":
            found.append(
                rule.problem(
                    "member.disability_cert_number",
                    t(
                        "{who}的残疾人证号应为20位（身份证号+残疾类别+残疾等级），请核对残疾人证号。",
                        who=f.who,
                    ),
                    f.id,
                )
            )
        elif not cert.is_valid:
            found.extend(
                rule.problem(p.field, _whose(f, p), f.id) for p in cert.problems if p.is_error
            )
    return found


@_rule(
    "R1_01_001_DUPLICATE_ID",
    ERROR,
    "member",
    "证件号码重复（同一证件号码登记在两名现有成员上，同户或不同户）",
)
def _duplicate_id(rule: Rule, a: HouseholdAudit, f: MemberFacts) -> list[Problem] | None:
    key = _person_key(f.id_info)
    if key is None or a.id_counts[key] < 2:
        return None
    number = f.id_info.number  # type: ignore[union-attr]
    return [
        rule.problem(
            "member.id_number",
            t(
                "{who}的证件号码{number}与本户另一名成员相同，同一人不能重复登记，请核对证件号码。",
                who=f.who,
                number=number,
            ),
            f.id,
        )
    ]


@_rule("R49_SEX_ID", WARNING, "member", "性别与身份证号码（第17位）不一致")
def _sex_id(rule: Rule, a: HouseholdAudit, f: MemberFacts) -> list[Problem] | None:
    info, sex = f.id_info, f.recorded_sex
    if not sex or not f.id_ok or info.sex is None or info.sex == sex:  # type: ignore[union-attr]
        return None
    return [
        rule.problem(
            "member.sex",
            t(
                "{who}的性别为“{sex}”，但身份证号码显示为“{id_sex}”，请核对性别或身份证号码。",
                who=f.who,
                sex=_label("sex", sex),
                id_sex=_label("sex", info.sex),  # type: ignore[union-attr]
            ),
            f.id,
        )
    ]


@_rule("X_BIRTH_DATE_MISMATCH", WARNING, "member", "出生日期与身份证号码中的出生日期不一致")
def _birth_date_mismatch(rule: Rule, a: HouseholdAudit, f: MemberFacts) -> list[Problem] | None:
    info, birth = f.id_info, f.recorded_birth
    if birth is None or not f.id_ok or info.birth_date in (None, birth):  # type: ignore[union-attr]
        return None
    return [
        rule.problem(
            "member.birth_date",
            t(
                "{who}的出生日期为{birth}，但身份证号码中的出生日期为{id_birth}，"
                "请核对出生日期或身份证号码。",
                who=f.who,
                birth=birth,
                id_birth=info.birth_date,  # type: ignore[union-attr]
            ),
            f.id,
        )
    ]


@_rule(
    "R49_SEX_RELATION", WARNING, "member", "性别与“与户主关系”不符（如之子为女、配偶与户主同性别）"
)
def _sex_relation(rule: Rule, a: HouseholdAudit, f: MemberFacts) -> list[Problem] | None:
    relation = f.relation
    if not relation or relation == HEAD or not f.sex:
        return None
    head_sex = a.head.sex if a.head is not None else None
    expected = _implied_sex(relation, head_sex)
    if expected is None or expected == f.sex:
        return None
    return [
        rule.problem(
            "member.relation",
            t(
                "{who}与户主关系为“{relation}”，性别应为“{expected}”，但登记为“{sex}”，"
                "请核对与户主关系或性别。",
                who=f.who,
                relation=_label("relation", relation),
                expected=_label("sex", expected),
                sex=_label("sex", f.sex),
            ),
            f.id,
        )
    ]


@_rule(
    "X_CHILD_OLDER_THAN_PARENT",
    WARNING,
    "member",
    "晚辈（子女、儿媳女婿、孙辈）比户主或配偶年长，或长辈（父母、祖父母）比户主或配偶年轻",
)
def _child_older_than_parent(rule: Rule, a: HouseholdAudit, f: MemberFacts) -> list[Problem] | None:
    relation, birth = f.relation, f.birth
    if birth is None or not relation:
        return None
    label = _label("relation", relation)
    if relation in YOUNGER_GENERATIONS:
        elders = [p for p in (a.head, a.spouse) if p is not None and p.birth is not None]
        older_than = [p for p in elders if birth < p.birth]  # type: ignore[operator]
        if not older_than:
            return None
        whom = [term("户主") if p is a.head else term("户主配偶") for p in older_than]
        return [
            rule.problem(
                "member.birth_date",
                t(
                    "{who}与户主关系为“{relation}”，但出生日期{birth}早于{whom}，"
                    "请核对出生日期或与户主关系。",
                    who=f.who,
                    relation=label,
                    birth=birth,
                    whom=whom,
                ),
                f.id,
            )
        ]
    if relation in HEAD_ELDERS or relation in SPOUSE_ELDERS:
        junior = a.spouse if relation in SPOUSE_ELDERS and a.spouse is not None else a.head
        if junior is None or junior.birth is None or birth <= junior.birth:
            return None
        return [
            rule.problem(
                "member.birth_date",
                t(
                    "{who}与户主关系为“{relation}”，但出生日期{birth}晚于{whom}（{junior_birth}），"
                    "请核对出生日期或与户主关系。",
                    who=f.who,
                    relation=label,
                    birth=birth,
                    whom=term("户主") if junior is a.head else term("户主配偶"),
                    junior_birth=junior.birth,
                ),
                f.id,
            )
        ]
    return None


@_rule(
    "R61_SCHOOL_AGE_NOT_IN_SCHOOL",
    WARNING,
    "member",
    "义务教育年龄段（{compulsory_school_age_min}–{compulsory_school_age_max}周岁）非在校生",
)
def _school_age_not_in_school(
    rule: Rule, a: HouseholdAudit, f: MemberFacts
) -> list[Problem] | None:
    p = a.policy
    if f.age is None or f.school_status != NOT_IN_SCHOOL:
        return None
    if not p.compulsory_school_age_min <= f.age <= p.compulsory_school_age_max:
        return None
    return [
        rule.problem(
            "member.school_status",
            t(
                "{who}在{on}为{age}周岁，处于义务教育年龄段，但在校生状况为“非在校生”，"
                "请核对在校生状况（如确已失学辍学，请填写失学辍学原因）。",
                who=f.who,
                on=p.snapshot_date,
                age=f.age,
            ),
            f.id,
        )
    ]


@_rule(
    "R60_STUDENT_TOO_OLD",
    WARNING,
    "member",
    "{school_age_max}周岁以上的在校生",
)
def _student_too_old(rule: Rule, a: HouseholdAudit, f: MemberFacts) -> list[Problem] | None:
    p = a.policy
    if f.age is None or not f.in_school or f.age <= p.school_age_max:
        return None
    return [
        rule.problem(
            "member.school_status",
            t(
                "{who}在{on}为{age}周岁，超过{most}周岁，但在校生状况为“{school_status}”，"
                "请核对在校生状况或出生日期。",
                who=f.who,
                on=p.snapshot_date,
                age=f.age,
                most=p.school_age_max,
                school_status=_label("school_status", f.school_status),
            ),
            f.id,
        )
    ]


@_rule(
    "R59_WORKING_AGE_NO_LABOUR",
    WARNING,
    "member",
    "{labour_age_min}–{labour_age_max}周岁、健康、非在校生，劳动技能却是丧失劳动力或无劳动力",
)
def _working_age_no_labour(rule: Rule, a: HouseholdAudit, f: MemberFacts) -> list[Problem] | None:
    p, skill = a.policy, f.labour_skill
    if f.age is None or skill not in NO_LABOUR or f.in_school or f.health != {HEALTHY}:
        return None
    if not p.labour_age_min <= f.age <= p.labour_age_max:
        return None
    return [
        rule.problem(
            "member.labour_skill",
            t(
                "{who}在{on}为{age}周岁，健康状况为“健康”，劳动技能却是“{skill}”，"
                "请核对劳动技能或健康状况。",
                who=f.who,
                on=p.snapshot_date,
                age=f.age,
                skill=_label("labour_skill", skill),
            ),
            f.id,
        )
    ]


@_rule("R44_WORK_MONTHS", WARNING, "member", "务工时间不在0–12个月之间")
def _work_months(rule: Rule, a: HouseholdAudit, f: MemberFacts) -> list[Problem] | None:
    months = f.work_months
    if months is None or 0 <= months <= 12:
        return None
    return [
        rule.problem(
            "member.work_months",
            t(
                "{who}的务工时间为{months}个月，应在0–12个月之间，请核对务工时间。",
                who=f.who,
                months=months,
            ),
            f.id,
        )
    ]


@_rule("R54_WORK_MONTHS_WITHOUT_WAGE", WARNING, "member", "有务工时间但本户无工资性收入")
def _work_months_without_wage(
    rule: Rule, a: HouseholdAudit, f: MemberFacts
) -> list[Problem] | None:
    months, wage = f.work_months, a.wage_income
    if not months or months <= 0 or wage is None or wage > 0:
        return None
    return [
        rule.problem(
            "member.work_months",
            t(
                "{who}的务工时间为{months}个月，但本户{year}年度工资性收入为0，"
                "请核对务工时间或工资性收入。",
                who=f.who,
                months=months,
                year=a.policy.year,
            ),
            f.id,
        )
    ]


@_rule("R58_NO_LABOUR_BUT_WORKING", WARNING, "member", "丧失劳动力或无劳动力却有务工时间")
def _no_labour_but_working(rule: Rule, a: HouseholdAudit, f: MemberFacts) -> list[Problem] | None:
    months, skill = f.work_months, f.labour_skill
    if skill not in NO_LABOUR or not months or months <= 0:
        return None
    return [
        rule.problem(
            "member.labour_skill",
            t(
                "{who}的劳动技能为“{skill}”，却有{months}个月务工时间，请核对劳动技能或务工时间。",
                who=f.who,
                skill=_label("labour_skill", skill),
                months=months,
            ),
            f.id,
        )
    ]


@_rule("R66_DISABLED_WITHOUT_CERT", WARNING, "member", "健康状况为残疾但没有残疾人证")
def _disabled_without_cert(rule: Rule, a: HouseholdAudit, f: MemberFacts) -> list[Problem] | None:
    if DISABLED not in f.health or f.has_disability_cert:
        return None
    return [
        rule.problem(
            "member.disability_cert_number",
            t(
                "{who}的健康状况为“残疾”，但没有登记残疾人证（证件类型不是残疾人证，也没有残疾人证号），"
                "请补录残疾人证号或核对健康状况。",
                who=f.who,
            ),
            f.id,
        )
    ]


@_rule("R67_CERT_BUT_NOT_DISABLED", WARNING, "member", "有残疾人证但健康状况没有残疾")
def _cert_but_not_disabled(rule: Rule, a: HouseholdAudit, f: MemberFacts) -> list[Problem] | None:
    if not f.has_disability_cert or not f.health or DISABLED in f.health:
        return None
    return [
        rule.problem(
            "member.health",
            t(
                "{who}有残疾人证，但健康状况为“{health}”，没有选“残疾”，请核对健康状况或残疾人证。",
                who=f.who,
                health=[_label("health", c) for c in sorted(f.health)],
            ),
            f.id,
        )
    ]


# The guide's rules (desktop.domain.audit_guide: the rest of the 2015–2017 list, 2021+ rules that
# apply to 2019, Q4–Q20) run on the same HouseholdAudit; that module never imports this one at
# load time, so importing it above makes no cycle.
_registry.extend(Rule(*r) for r in GUIDE_RULES)
if _twice := sorted(rule_id for rule_id, n in Counter(r.id for r in _registry).items() if n > 1):
    raise ValueError(f"duplicate audit rule ids {', '.join(_twice)}")

RULES: tuple[Rule, ...] = tuple(_registry)
"""Every audit rule: this module's, then the guide's, each in definition order. Problems come
household rules first (in this order), then each current member's rules."""

HOUSEHOLD_RULES: tuple[Rule, ...] = tuple(r for r in RULES if r.level == "household")
MEMBER_RULES: tuple[Rule, ...] = tuple(r for r in RULES if r.level == "member")
RULES_BY_ID: dict[str, Rule] = {r.id: r for r in RULES}
_HOUSEHOLD_CHECKS = tuple((r.check, r) for r in HOUSEHOLD_RULES)
_MEMBER_CHECKS = tuple((r.check, r) for r in MEMBER_RULES)


def rule_catalogue(policy: PolicyYear | None = None) -> list[RuleInfo]:
    """The rule list to print: id, severity, level and description of every rule, in order.

    Descriptions name the thresholds of ``policy`` (default: the year in force today).
    """
    figures = dataclasses.asdict(policy or policy_for(clock_today()))
    return [RuleInfo(r.id, r.severity, r.level, r.description.format(**figures)) for r in RULES]


SAVE_EXEMPT: frozenset[str] = frozenset(
    {
        "LOC_MISSING",
        "Q15_PROCEDURE_INCOMPLETE",
        "Q2_PROCEDURE_STEP_LATE",
        "Q10_NO_ASSISTANCE_RECORDED",
        "OP_RECORDED_OUTSIDE_CALENDAR",
    }
)
"""Problems the audit lists but a save does not ask about; asking for a reason at every save
of a household that cannot be put right yet teaches people to type anything.

- ``LOC_MISSING``: a location is often captured on a later visit.
- ``Q15_PROCEDURE_INCOMPLETE`` and ``Q2_PROCEDURE_STEP_LATE``: a household identified, returned
  or exited this year is saved many times while its procedure is still running (appraisal,
  notices, cross-check, announcement take weeks). The procedure is enforced where it matters,
  at the operation: the operations dialogs refuse to complete an identification, return or exit
  whose procedure ``desktop.domain.procedure.completion_problems`` finds unfinished. A save of
  unrelated fields (a phone number, a member's schooling) is not blocked by it; the problem
  lists keep showing both until the steps are recorded. Invalid steps (``Q16_…``) still refuse.
- ``Q10_NO_ASSISTANCE_RECORDED``: the measures received since registration are collected by
  the assistance person and entered in a batch, not at each visit; the problem lists show it.
- ``OP_RECORDED_OUTSIDE_CALENDAR``: an operation record that reached this database from
  elsewhere with a date the calendar forbids; the save itself never writes one (it refuses the
  operation), and the household's other edits must not be held by it.
"""


def audit_household(
    household: HouseholdLike,
    *,
    policy: PolicyYear | None = None,
    on: date | None = None,
    committee: LatLon | None = None,
    fast_distances: bool = False,
) -> list[Problem]:
    """Every problem the audit rules find in one household, its location's included.

    ``policy`` defaults to the policy year in force on ``on`` (default today); ages are computed
    on the policy's snapshot date, and an ID birth date after ``on`` is an error. Household
    problems come first, then each current member's, in form order, then the location's.
    ``committee`` is the village committee's point (default: read from ``household.village``);
    ``fast_distances`` measures with the haversine, for whole-database runs.
    """
    today = on or clock_today()
    if policy is None:
        policy = policy_for(today)
    audit = HouseholdAudit(household, policy, today)
    problems: list[Problem] = []
    for check, rule in _HOUSEHOLD_CHECKS:
        found = check(rule, audit)
        if found:
            problems.extend(found)
    for facts in audit.members:
        for check, rule in _MEMBER_CHECKS:
            found = check(rule, audit, facts)
            if found:
                problems.extend(found)
    problems.extend(
        household_location_problems(household, committee=committee, fast=fast_distances)
    )
    return problems
