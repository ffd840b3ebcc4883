"""More audit rules: the rest of the 2015–2017 list, the 2021+ rules that apply to 2019, and the
guide's own rules (Q4, Q6, Q8, Q10, Q15–Q17, Q20).

The rules have the shape of ``desktop.domain.audit``'s ``Rule`` — ``(id, severity, level,
description, check)`` in that order — and run on the same ``HouseholdAudit`` facts: a household
rule's check is ``check(rule, audit)``, a member rule's ``check(rule, audit, member_facts)``.
``GUIDE_RULES`` holds them as ``GuideRule`` tuples and ``desktop.domain.audit`` registers them in
its ``RULES`` (``_registry.extend(Rule(*r) for r in GUIDE_RULES)``), so ``audit_household`` runs
them with the core rules. This module imports ``audit`` for type checking only: no import cycle.

Ids: ``R<n>_…`` carry the 2015–2017 national question number (domain-reference.md §3.1),
``R<a>_<bb>_<ccc>_…`` the 2021+ rule id they descend from (§3.2, adapted to 2019 where said),
``Q<n>_…`` the guide's question. Empty-field rules (R4–R16) apply to registered households only
(the national system holds registered households; an ordinary household's form is shorter).

What the rules read beyond ``desktop.domain.records`` is declared in the protocols below; the
rules read it with ``getattr``, and a record without the attribute at all (an older loader) is
skipped rather than misjudged: an attribute that is not there is not an empty field.
``village_procedure_steps`` is not a column: the store's audit runner
(``desktop.store.audit.audit_database``) attaches the village's own procedure steps to each
household; when it is absent (a save of one household) a procedure the household's own steps do
not complete is not judged.

School-age plausibility rules (2021+ 5_17_002 primary pupils aged 6–14, 5_12_016 high-school and
vocational students aged 15–20) wait for those ages in the policy files.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, Protocol

from desktop.domain import medical, monitoring, procedure
from desktop.domain.codes import code_table
from desktop.domain.operations import Operation, is_centralised
from desktop.domain.phone import normalize_phone
from desktop.domain.policy import PolicyYear
from desktop.domain.problems import Problem, Severity, Text, t, term

if TYPE_CHECKING:  # audit.py imports this module while it is itself being imported
    from desktop.domain.audit import HouseholdAudit, MemberFacts, Rule

Level = Literal["household", "member"]
ERROR = Severity.ERROR
WARNING = Severity.WARNING

REGISTERED = frozenset({"poor", "exited", "exited_stable"})
EXITED = frozenset({"exited", "exited_stable"})
NOT_IN_SCHOOL = "01"
NO_LABOUR_AT_ALL = "04"  # labour_skill 无劳动力
HEALTHY = "01"
DEATH = "01"  # natural_change_reason
OTHER_MOVE_OUT = "08"  # natural_change_reason 其他转出
MARRIED_IN = "05"
MOVED_IN = "07"
CROSSCHECKED_JOINS = frozenset({MARRIED_IN, MOVED_IN})
EMPLOYMENT_CATEGORY = "02"  # assistance_category 就业扶贫
WELFARE_JOB_CATEGORY = "04"  # assistance_category 公益岗位
DROPOUT_HEALTH_REASONS = ("因病", "因残")


class GuideRule(NamedTuple):
    """A rule in the field order of ``desktop.domain.audit.Rule``."""

    id: str
    severity: Severity
    level: Level
    description: str
    check: Callable[..., Sequence[Problem] | None]


# --- what these rules read beyond desktop.domain.records ----------------------------------------


class MeasureLike(Protocol):
    """An assistance measure (``AssistanceMeasure``)."""

    member_id: str | None
    year: int | None
    category: str | None
    item: str | None
    received: bool | None
    deleted: bool | None


class GuideMemberLike(Protocol):
    """Member attributes the guide rules read (besides ``records.MemberLike``)."""

    ethnicity: str | None
    political_status: str | None
    education: str | None
    serious_illness_insurance: bool | None
    basic_medical_insurance: bool | None
    active_military: bool | None
    phone: str | None
    dropout_reason: str | None
    medical_assistance: bool | None
    joined_reason: str | None
    joined_date: date | None
    settlements: Sequence[medical.SettlementLike]
    crosschecks: Sequence[procedure.CrosscheckLike]


class GuideHouseholdLike(Protocol):
    """Household attributes the guide rules read (besides ``records.HouseholdLike``)."""

    attribute: str | None
    military_family: bool | None
    special_support_mode: str | None
    identified_year: int | None
    exited_year: int | None
    returned_year: int | None
    marginal: bool | None
    monitored: bool | None
    dangerous_house: bool | None
    drinking_water_safe: bool | None
    food_assured: bool | None
    clothing_assured: bool | None
    education_assured: bool | None
    medical_assured: bool | None
    housing_assured: bool | None
    water_assured: bool | None
    measures: Sequence[MeasureLike]
    risks: Sequence[monitoring.RiskLike]
    procedure_steps: Sequence[procedure.StepLike]
    village_procedure_steps: Sequence[procedure.StepLike] | None  # attached by the store


# --- the registry -------------------------------------------------------------------------------

_guide: list[GuideRule] = []


def _rule(
    rule_id: str, severity: Severity, level: Level, description: str
) -> Callable[[Callable[..., Sequence[Problem] | None]], Callable[..., Sequence[Problem] | None]]:
    def register(
        check: Callable[..., Sequence[Problem] | None],
    ) -> Callable[..., Sequence[Problem] | None]:
        if any(r.id == rule_id for r in _guide):
            raise ValueError(f"duplicate audit rule id {rule_id}")
        _guide.append(GuideRule(rule_id, severity, level, description, check))
        return check

    return register


NOT_LOADED = object()
"""What an empty-field rule reads when a record does not carry the attribute at all."""


def _get(obj: Any, name: str) -> Any:
    return getattr(obj, name, None)


def _label(table: str, code: str | None) -> Text:
    """A code's label as words the interface translates (未填 when there is none)."""
    return term(code_table(table).label(code) if code else "未填")


def _name(name: str | None) -> Text:
    """成员“张三”, as the audit's ``MemberFacts.who`` words it."""
    return t("成员“{name}”", name=name or term("未填姓名"))


def _registered(a: HouseholdAudit) -> bool:
    return a.status in REGISTERED


def _day(d: date) -> Text:
    return t("{year}年{month}月{day}日", year=d.year, month=d.month, day=d.day)


# --- empty fields of registered households (§3.1 rules 4–16) -------------------------------------

REQUIRED_FIELDS: dict[str, str] = {
    "household.attribute": "R4_ATTRIBUTE_EMPTY",
    "household.military_family": "R5_MILITARY_FAMILY_EMPTY",
}
"""Field key -> the rule that reports it empty: what a registered household must fill (the form
marks these labels before saving; the members' are added by ``_empty_field_rule``)."""


@_rule("R4_ATTRIBUTE_EMPTY", WARNING, "household", "建档立卡户的贫困户属性为空")
def _attribute_empty(rule: Rule, a: HouseholdAudit) -> list[Problem] | None:
    if not _registered(a) or getattr(a.household, "attribute", NOT_LOADED) is not None:
        return None
    return [
        rule.problem("household.attribute", t("本户的贫困户属性为空，请填写贫困户属性。"), a.id)
    ]


@_rule("R5_MILITARY_FAMILY_EMPTY", WARNING, "household", "建档立卡户的是否军烈属为空")
def _military_family_empty(rule: Rule, a: HouseholdAudit) -> list[Problem] | None:
    if not _registered(a) or getattr(a.household, "military_family", NOT_LOADED) is not None:
        return None
    return [rule.problem("household.military_family", t("本户的“是否军烈属”为空，请填写。"), a.id)]


def _empty_field_rule(
    rule_id: str, field: str, label: Text, *, when: Callable[[MemberFacts], bool] | None = None
) -> None:
    def check(rule: Rule, a: HouseholdAudit, f: MemberFacts) -> list[Problem] | None:
        if not _registered(a) or (when is not None and not when(f)):
            return None
        value = getattr(f.member, field, NOT_LOADED)
        if value is NOT_LOADED or (value is not None and value != "" and value != []):
            return None
        return [
            rule.problem(
                f"member.{field}",
                t("{who}的{label}为空，请填写{label}。", who=f.who, label=label),
                f.id,
            )
        ]

    REQUIRED_FIELDS[f"member.{field}"] = rule_id
    scope = "（非在校生）" if when is not None else ""
    _rule(rule_id, WARNING, "member", f"建档立卡户成员{scope}的{label}为空")(check)


_empty_field_rule("R6_SEX_EMPTY", "sex", term("性别"))
_empty_field_rule("R8_RELATION_EMPTY", "relation", term("与户主关系"))
_empty_field_rule("R9_ETHNICITY_EMPTY", "ethnicity", term("民族"))
_empty_field_rule("R10_POLITICAL_STATUS_EMPTY", "political_status", term("政治面貌"))
_empty_field_rule(
    "R11_EDUCATION_EMPTY",
    "education",
    term("文化程度"),
    when=lambda f: f.school_status == NOT_IN_SCHOOL,
)
_empty_field_rule("R12_SCHOOL_STATUS_EMPTY", "school_status", term("在校生状况"))
_empty_field_rule("R13_HEALTH_EMPTY", "health", term("健康状况"))
_empty_field_rule("R14_LABOUR_SKILL_EMPTY", "labour_skill", term("劳动技能"))
_empty_field_rule(
    "R15_SERIOUS_ILLNESS_INSURANCE_EMPTY", "serious_illness_insurance", term("是否参加大病保险")
)
_empty_field_rule("R16_ACTIVE_MILITARY_EMPTY", "active_military", term("是否现役军人"))


# --- 2021+ rules that apply to 2019 (§3.2) -------------------------------------------------------


@_rule(
    "R2_12_014_CHILD_LABOUR_SKILL",
    WARNING,
    "member",
    "{labour_age_min}周岁以下成员的劳动技能不是“无劳动力”",
)
def _child_labour_skill(rule: Rule, a: HouseholdAudit, f: MemberFacts) -> list[Problem] | None:
    skill = f.labour_skill
    if f.age is None or f.age >= a.policy.labour_age_min or not skill or skill == NO_LABOUR_AT_ALL:
        return None
    return [
        rule.problem(
            "member.labour_skill",
            t(
                "{who}在{on}为{age}周岁，不满{least}周岁，劳动技能应为“{expected}”，但登记为“{skill}”，"
                "请核对劳动技能或出生日期。",
                who=f.who,
                on=a.policy.snapshot_date,
                age=f.age,
                least=a.policy.labour_age_min,
                expected=_label("labour_skill", NO_LABOUR_AT_ALL),
                skill=_label("labour_skill", skill),
            ),
            f.id,
        )
    ]


def _is_mobile(phone: str) -> bool:
    normalized = normalize_phone(phone)
    return len(normalized) == 11 and normalized.isdigit() and normalized.startswith("1")


@_rule(
    "R2_01_013_WORKER_PHONE",
    WARNING,
    "member",
    "务工人员的联系电话不是11位手机号码",
)
def _worker_phone(rule: Rule, a: HouseholdAudit, f: MemberFacts) -> list[Problem] | None:
    phone = _get(f.member, "phone")
    if not f.work_months or f.work_months <= 0 or not phone or _is_mobile(phone):
        return None
    return [
        rule.problem(
            "member.phone",
            t(
                "{who}是务工人员，联系电话“{phone}”不是11位手机号码，请核对。",
                who=f.who,
                phone=phone,
            ),
            f.id,
        )
    ]


@_rule(
    "R2_DROPOUT_REASON_HEALTHY",
    WARNING,
    "member",
    "失学辍学原因为因病或因残，但健康状况为健康",
)
def _dropout_reason_healthy(rule: Rule, a: HouseholdAudit, f: MemberFacts) -> list[Problem] | None:
    reason = _get(f.member, "dropout_reason")
    if not reason:
        return None
    reason = reason.strip()
    if not reason.startswith(DROPOUT_HEALTH_REASONS) or f.health != {HEALTHY}:
        return None
    return [
        rule.problem(
            "member.health",
            t(
                "{who}的失学辍学原因为“{reason}”，但健康状况为“健康”，请核对健康状况或失学辍学原因。",
                who=f.who,
                reason=reason,
            ),
            f.id,
        )
    ]


def _policy_year_measures(a: HouseholdAudit) -> list[Any]:
    return [
        m
        for m in _get(a.household, "measures") or ()
        if not m.deleted and m.received is not False and m.year == a.policy.year
    ]


@_rule(
    "R4_11_014_EMPLOYMENT_MEASURE_NO_WORKER",
    WARNING,
    "household",
    "本年度享受就业扶贫措施，但家中无务工人员",
)
def _employment_measure_no_worker(rule: Rule, a: HouseholdAudit) -> list[Problem] | None:
    measures = [m for m in _policy_year_measures(a) if m.category == EMPLOYMENT_CATEGORY]
    if not measures or not a.members or any((f.work_months or 0) > 0 for f in a.members):
        return None
    return [
        rule.problem(
            "member.work_months",
            t(
                "本户{year}年享受了就业扶贫措施，但没有成员填写务工时间，"
                "请核对帮扶措施或成员的务工情况。",
                year=a.policy.year,
            ),
            a.id,
        )
    ]


@_rule(
    "R5_12_004_WELFARE_JOB_UNDER_AGE",
    WARNING,
    "household",
    "{labour_age_min}周岁以下成员享受公益岗位",
)
def _welfare_job_under_age(rule: Rule, a: HouseholdAudit) -> list[Problem] | None:
    facts = {f.id: f for f in a.members}
    found: list[Problem] = []
    for m in _policy_year_measures(a):
        f = facts.get(m.member_id) if m.category == WELFARE_JOB_CATEGORY else None
        if f is None or f.age is None or f.age >= a.policy.labour_age_min:
            continue
        found.append(
            rule.problem(
                "assistance_measure.member_id",
                t(
                    "{who}在{on}为{age}周岁，不满{least}周岁，却登记享受公益岗位（{item}），"
                    "请核对帮扶措施的对象。",
                    who=f.who,
                    on=a.policy.snapshot_date,
                    age=f.age,
                    least=a.policy.labour_age_min,
                    item=_label("assistance_category", m.item or m.category),
                ),
                f.id,
            )
        )
    return found


@_rule(
    "R1_02_001_EXITED_UNSAFE_HOUSE",
    WARNING,
    "household",
    "已脱贫户住危房或住房安全无保障（{year}年：脱贫须有安全住房）",
)
def _exited_unsafe_house(rule: Rule, a: HouseholdAudit) -> list[Problem] | None:
    household = a.household
    if a.status not in EXITED:
        return None
    if (
        _get(household, "dangerous_house") is not True
        and _get(household, "housing_assured") is not False
    ):
        return None
    return [
        rule.problem(
            "household.dangerous_house",
            t(
                "本户为{status}，但登记为危房户或住房安全无保障；"
                "有安全住房是脱贫的一票否决指标，请核对住房情况，或核实是否应当返贫。",
                status=_label("status", a.status),
            ),
            a.id,
        )
    ]


@_rule(
    "R1_02_002_EXITED_UNSAFE_WATER",
    WARNING,
    "household",
    "已脱贫户饮水不安全（{year}年：脱贫须有安全饮水）",
)
def _exited_unsafe_water(rule: Rule, a: HouseholdAudit) -> list[Problem] | None:
    household = a.household
    if a.status not in EXITED:
        return None
    if (
        _get(household, "drinking_water_safe") is not False
        and _get(household, "water_assured") is not False
    ):
        return None
    return [
        rule.problem(
            "household.drinking_water_safe",
            t(
                "本户为{status}，但饮水不安全；有安全饮水是脱贫的一票否决指标，"
                "请核对饮水情况，或核实是否应当返贫。",
                status=_label("status", a.status),
            ),
            a.id,
        )
    ]


@_rule(
    "X_EXITED_NOT_ASSURED",
    WARNING,
    "household",
    "已脱贫户“两不愁”或义务教育、基本医疗无保障",
)
def _exited_not_assured(rule: Rule, a: HouseholdAudit) -> list[Problem] | None:
    if a.status not in EXITED:
        return None
    names = ("food_assured", "clothing_assured", "education_assured", "medical_assured")
    failed = [n for n in names if _get(a.household, n) is False]
    if not failed:
        return None
    return [
        rule.problem(
            f"household.{failed[0]}",
            t(
                "本户为{status}，但{labels}登记为未实现，请核对“两不愁三保障”，或核实是否应当返贫。",
                status=_label("status", a.status),
                labels=[term(monitoring.ASSURANCES[n]) for n in failed],
            ),
            a.id,
        )
    ]


@_rule(
    "X_EXITED_UNINSURED",
    WARNING,
    "household",
    "已脱贫户有成员未参加城乡居民基本医疗保险或大病保险（脱贫须全部参加）",
)
def _exited_uninsured(rule: Rule, a: HouseholdAudit) -> list[Problem] | None:
    if a.status not in EXITED:
        return None
    uninsured = [
        f.who
        for f in a.members
        if _get(f.member, "basic_medical_insurance") is False
        or _get(f.member, "serious_illness_insurance") is False
    ]
    if not uninsured:
        return None
    return [
        rule.problem(
            "member.basic_medical_insurance",
            t(
                "本户为{status}，但{names}未参加城乡居民基本医疗保险"
                "或大病保险；家庭成员全部参加是脱贫的一票否决指标，请核对参保情况。",
                status=_label("status", a.status),
                names=uninsured,
            ),
            a.id,
        )
    ]


# --- the guide's rules ----------------------------------------------------------------------------


@_rule(
    "Q8_CHANGE_AFTER_SNAPSHOT",
    WARNING,
    "household",
    "成员增加或减少的日期晚于本年度信息采集时间节点（{snapshot_date}）",
)
def _change_after_snapshot(rule: Rule, a: HouseholdAudit) -> list[Problem] | None:
    snapshot = a.policy.snapshot_date
    found: list[Problem] = []
    for m in a.all_members:
        if m.deleted:
            continue
        for field, label in (("joined_date", term("增加")), ("left_date", term("减少"))):
            day = _get(m, field)
            if day is None or day <= snapshot:
                continue
            found.append(
                rule.problem(
                    f"member.{field}",
                    t(
                        "{who}的{change}日期为{day}，晚于{year}年度信息采集时间节点{snapshot}"
                        "（导引第8问），不应计入本年度，请核对日期。",
                        who=_name(m.name),
                        change=label,
                        day=_day(day),
                        year=a.policy.year,
                        snapshot=_day(snapshot),
                    ),
                    m.id,
                )
            )
    return found


@_rule(
    "Q10_NO_ASSISTANCE_RECORDED",
    WARNING,
    "household",
    "建档立卡户（含稳定脱贫户）没有登记已享受的帮扶措施",
)
def _no_assistance_recorded(rule: Rule, a: HouseholdAudit) -> list[Problem] | None:
    household = a.household
    if not _registered(a) or _get(household, "identified_year") == a.policy.year:
        return None
    measures = _get(household, "measures")
    if measures is None:
        return None
    if any(not m.deleted and m.received is not False for m in measures):
        return None
    return [
        rule.problem(
            "assistance_measure.received",
            t(
                "本户没有登记已享受的帮扶措施；建档立卡以来的帮扶措施（含稳定脱贫户）要按实际核实勾选"
                "（导引第3、10问），请补录。"
            ),
            a.id,
        )
    ]


@_rule(
    "Q17_CENTRALISED_SUPPORT_STILL_POOR",
    WARNING,
    "household",
    "特困供养户已转集中供养但仍为未脱贫（符合脱贫标准和程序的应按脱贫处理）",
)
def _centralised_support_still_poor(rule: Rule, a: HouseholdAudit) -> list[Problem] | None:
    if a.status != "poor" or not is_centralised(_get(a.household, "special_support_mode")):
        return None
    return [
        rule.problem(
            "household.status",
            t(
                "本户的特困供养方式为集中供养，但仍为未脱贫：分散供养转集中供养的，符合脱贫标准和程序的"
                "按照脱贫处理（导引第17问），请核实是否办理脱贫。"
            ),
            a.id,
        )
    ]


@_rule(
    "Q17_SUPPORT_MOVE_AS_DECREASE",
    WARNING,
    "household",
    "特困供养人员以“其他转出”办理了人员自然减少（转集中供养不得做自然减少）",
)
def _support_move_as_decrease(rule: Rule, a: HouseholdAudit) -> list[Problem] | None:
    found: list[Problem] = []
    for m in a.all_members:
        if m.deleted or m.left_date is None or m.left_reason != OTHER_MOVE_OUT:
            continue
        if not m.special_support:
            continue
        found.append(
            rule.problem(
                "member.left_reason",
                t(
                    "特困供养人员“{name}”以“{reason}”办理了人员自然减少；分散供养转集中供养的不得进行"
                    "人员自然减少操作，符合脱贫标准和程序的按照脱贫处理（导引第17问），请核实。",
                    name=m.name or term("未填姓名"),
                    reason=_label("natural_change_reason", OTHER_MOVE_OUT),
                ),
                m.id,
            )
        )
    return found


def _year_crosschecks(member: Any, policy: PolicyYear) -> list[Any]:
    if not _get(member, "crosschecks"):
        return []
    first, last = procedure.step_year_window(policy)
    return [
        r
        for r in _get(member, "crosschecks") or ()
        if not r.deleted and (r.checked_date is None or first <= r.checked_date <= last)
    ]


@_rule(
    "Q4_CROSSCHECK_UNDECIDED",
    WARNING,
    "member",
    "嫁入或迁入人员经比对发现问题，尚未登记评议结论",
)
def _crosscheck_undecided(rule: Rule, a: HouseholdAudit, f: MemberFacts) -> list[Problem] | None:
    if _get(f.member, "joined_reason") not in CROSSCHECKED_JOINS:
        return None
    pending = [
        r
        for r in _year_crosschecks(f.member, a.policy)
        if procedure.is_flagged(r) and not r.decision
    ]
    if not pending:
        return None
    return [
        rule.problem(
            "crosscheck.decision",
            t(
                "{who}（{reason}）经比对为{flags}，须经评议综合研判并登记结论（导引第4、15问）。",
                who=f.who,
                reason=_label("natural_change_reason", _get(f.member, "joined_reason")),
                flags=[term(x) for x in procedure.flag_labels(pending[0])],
            ),
            f.id,
        )
    ]


@_rule(
    "Q4_CROSSCHECK_EXCLUDED_MEMBER",
    WARNING,
    "member",
    "经比对和评议不予纳入的人员仍登记为建档立卡户成员",
)
def _crosscheck_excluded_member(
    rule: Rule, a: HouseholdAudit, f: MemberFacts
) -> list[Problem] | None:
    if not _registered(a):
        return None
    excluded = [
        r
        for r in _year_crosschecks(f.member, a.policy)
        if r.decision == procedure.DECISION_EXCLUDE and procedure.is_flagged(r)
    ]
    if not excluded:
        return None
    return [
        rule.problem(
            "crosscheck.decision",
            t(
                "{who}经比对为{flags}，评议结论为不予纳入，但仍登记为本户成员，请核对。",
                who=f.who,
                flags=[term(x) for x in procedure.flag_labels(excluded[0])],
            ),
            f.id,
        )
    ]


@_rule(
    "Q20_MEDICAL_ASSISTANCE_MISMATCH",
    WARNING,
    "member",
    "“是否接受医疗救助”与收入计算周期内的医疗结算单不一致（{medical_assistance_rule_change}前看民政医疗救助和政府补助）",
)
def _medical_assistance_mismatch(
    rule: Rule, a: HouseholdAudit, f: MemberFacts
) -> list[Problem] | None:
    entries = _get(f.member, "settlements")
    if not entries:
        return None
    found = medical.medical_assistance_problems(
        _get(f.member, "medical_assistance"), entries, a.policy, who=f.who, entity_id=f.id
    )
    return [rule.problem(p.field, p.words, f.id) for p in found]


@_rule(
    "Q20_SETTLEMENT_WRONG_TIER",
    WARNING,
    "member",
    "医疗结算单的金额填在了不适用的保障项（{medical_assistance_rule_change}前后的保障项不同）或为负数",
)
def _settlement_wrong_tier(rule: Rule, a: HouseholdAudit, f: MemberFacts) -> list[Problem] | None:
    entries = _get(f.member, "settlements")
    if not entries:
        return None
    found: list[Problem] = []
    for e in entries:
        if e.settled_on is not None and not a.policy.in_income_period(e.settled_on):
            continue
        found.extend(
            rule.problem(p.field, p.words, f.id)
            for p in medical.settlement_problems(e, a.policy, who=f.who)
        )
    return found


# --- marginal and monitored households (Q6) --------------------------------------------------------


def _monitoring_rule(code: str, severity: Severity, description: str) -> None:
    def check(rule: Rule, a: HouseholdAudit) -> list[Problem] | None:
        return [p for p in _monitoring(a) if p.code == rule.id]

    _rule(code, severity, "household", description)(check)


def _monitoring(a: HouseholdAudit) -> list[Problem]:
    """The Q6 findings of one household, computed once per audit (kept on the audit object)."""
    cached = a.__dict__.get("_guide_monitoring")
    if cached is None:
        household = a.household
        flagged = _get(household, "marginal") or _get(household, "monitored")
        risks = _get(household, "risks")
        if not flagged and not risks:
            cached = []
        else:
            cached = monitoring.monitoring_problems(
                _MonitoringView(household), per_capita=a.per_capita, policy=a.policy
            )
        a.__dict__["_guide_monitoring"] = cached
    return cached


class _MonitoringView:
    """A household as ``monitoring.MonitoringHouseholdLike``, missing attributes read as None."""

    __slots__ = ("_household",)

    def __init__(self, household: Any) -> None:
        self._household = household

    def __getattr__(self, name: str) -> Any:
        return getattr(self._household, name, None)


_monitoring_rule(monitoring.Q6_BOTH_FLAGS, ERROR, "同时标记为边缘户和脱贫监测户")
_monitoring_rule(monitoring.Q6_FLAG_STATUS, ERROR, "边缘户不是一般农户，或脱贫监测户不是已脱贫户")
_monitoring_rule(monitoring.Q6_NO_INCOME, WARNING, "边缘户或脱贫监测户没有本年度收入")
_monitoring_rule(
    monitoring.Q6_INCOME_NOT_BELOW_LINE,
    WARNING,
    "边缘户或脱贫监测户人均纯收入不低于{marginal_income_line}元",
)
_monitoring_rule(monitoring.Q6_NO_RISK, WARNING, "边缘户或脱贫监测户没有登记致贫或返贫风险")
_monitoring_rule(
    monitoring.Q6_RISK_KIND_MISMATCH, WARNING, "风险记录的类别与边缘户、脱贫监测户标识不符"
)
_monitoring_rule(
    monitoring.Q6_NO_DECISION,
    WARNING,
    "风险记录没有认定主体或认定日期（村两委和驻村工作队研究提出）",
)
_monitoring_rule(
    monitoring.Q6_NOT_MEETING_EXIT_STANDARD,
    WARNING,
    "边缘户或脱贫监测户“两不愁三保障”或收入未达到脱贫标准",
)
_monitoring_rule(
    monitoring.Q6_RISK_ELIMINATED_BELOW_LINE,
    WARNING,
    "风险已全部消除但人均纯收入仍低于监测标准",
)
_monitoring_rule(
    monitoring.Q6_RISK_WITHOUT_FLAG, WARNING, "登记了未消除的风险但没有标记边缘户或脱贫监测户"
)


# --- procedures (Q15, Q16) ------------------------------------------------------------------------


def household_operation(household: Any, policy: PolicyYear) -> str | None:
    """The status operation a household went through in the policy year, if any.

    A poor household identified (or returned) in the policy year went through identification
    (return); an exited household whose exit year is the policy year went through an exit.
    """
    status = _get(household, "status")
    if status == "poor":
        if _get(household, "returned_year") == policy.year:
            return Operation.return_.value
        if _get(household, "identified_year") == policy.year:
            return Operation.identify.value
    if status == "exited" and _get(household, "exited_year") == policy.year:
        return Operation.exit.value
    return None


def _own_steps(a: HouseholdAudit) -> list[Any]:
    steps = _get(a.household, "procedure_steps")
    if not steps:
        return []
    return procedure.steps_of_year(steps, a.policy)


@_rule(
    "Q16_PROCEDURE_STEP_INVALID",
    ERROR,
    "household",
    "识别程序步骤的日期无效、次序颠倒、公示不足{notice_min_days}天或结果为不通过",
)
def _procedure_step_invalid(rule: Rule, a: HouseholdAudit) -> list[Problem] | None:
    """Recorded dates that break the procedure. A step without a start date is not recorded yet
    (an identification, return or exit adds its steps to be dated later): it is a step still to
    do, which ``Q15_PROCEDURE_INCOMPLETE`` lists, not an invalid one."""
    steps = _own_steps(a)
    if not steps:
        return None
    found: list[Problem] = []
    for operation in sorted(
        {s.operation for s in steps if s.operation in procedure.REQUIRED_STEPS}
    ):
        found.extend(
            rule.problem(p.field, p.words, p.entity_id or a.id)
            for p in procedure.check_steps(steps, operation=operation, policy=a.policy)
            if p.is_error and p.code != procedure.PROC_STEP_NO_START
        )
    return found


@_rule(
    "Q2_PROCEDURE_STEP_LATE",
    WARNING,
    "household",
    "识别程序步骤晚于{procedures_due}结束、不在工作期间或重复登记",
)
def _procedure_step_late(rule: Rule, a: HouseholdAudit) -> list[Problem] | None:
    steps = _own_steps(a)
    if not steps:
        return None
    found: list[Problem] = []
    for operation in sorted(
        {s.operation for s in steps if s.operation in procedure.REQUIRED_STEPS}
    ):
        found.extend(
            rule.problem(p.field, p.words, p.entity_id or a.id)
            for p in procedure.check_steps(steps, operation=operation, policy=a.policy)
            if not p.is_error
        )
    return found


@_rule(
    "Q15_PROCEDURE_INCOMPLETE",
    ERROR,
    "household",
    "本年度新识别、返贫或脱贫的户，其程序（两公示一比对一公告）未完成",
)
def _procedure_incomplete(rule: Rule, a: HouseholdAudit) -> list[Problem] | None:
    operation = household_operation(a.household, a.policy)
    if operation is None:
        return None
    own = _get(a.household, "procedure_steps") or ()
    village = _get(a.household, "village_procedure_steps")
    crosschecks = [r for f in a.members for r in _year_crosschecks(f.member, a.policy)]
    names = {f.id: f.member.name or "未填姓名" for f in a.members if f.id}
    check = procedure.procedure_complete(
        own,
        operation=operation,
        policy=a.policy,
        village_steps=village or (),
        crosschecks=crosschecks,
        names=names,
    )
    if check.complete:
        return None
    # Step dates are Q16's (own steps) or the village list's (village steps); this rule says
    # what is missing and whose cross-check findings hold the procedure up. Without the
    # village's steps (a save of one household) missing steps may be the village's: not judged.
    wanted = {procedure.PROC_CROSSCHECK_UNDECIDED, procedure.PROC_CROSSCHECK_EXCLUDED}
    if village is not None:
        wanted |= {procedure.PROC_STEP_MISSING, procedure.PROC_NO_PROCEDURE}
    return [
        rule.problem(p.field, p.words, p.entity_id or a.id)
        for p in check.errors
        if p.code in wanted
    ]


GUIDE_RULES: tuple[GuideRule, ...] = tuple(_guide)
"""Every rule of this module, household rules and member rules mixed, in definition order.

``desktop.domain.audit`` registers them in its ``RULES``: ``audit_household`` runs them."""
