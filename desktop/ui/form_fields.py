"""The household form's fields: what each is called, how it is typed, and the widgets that edit them.

Every field is named ``entity.column`` (``household.main_cause``, ``member.id_number``) — the
same names the domain's problems carry in ``Problem.field`` — so a problem finds its widget.
``FIELDS`` declares each once: its Chinese label, its kind and, for coded fields, its code table
(``desktop.domain.codes``). The widgets hold form values (see ``desktop.store.household_edit``):
text for text, dates and numbers, codes for coded fields, ``True``/``False``/``None`` for yes/no.

Each widget has ``edited`` (emitted when the person changes it, never by ``set_value``),
``value()``, ``set_value(v)`` and ``set_problem(severity, message)`` which marks it.

Labels are declared in Chinese (the source language; the household book and the store's messages
use them as they are) and marked for translation in context ``FormFields``; ``field_label`` and
``tr_label`` give them in the interface language. Code-table labels come from the code tables and
are shown as they are.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QWidget,
)

from desktop.domain.audit_guide import REQUIRED_FIELDS
from desktop.ui.code_labels import ui_code_table

Kind = Literal["text", "date", "number", "int", "code", "bool", "multi", "readonly"]


@dataclass(frozen=True)
class FieldSpec:
    """One field of the form."""

    label: str
    kind: Kind = "text"
    table: str | None = None  # code table of ``code`` and ``multi`` fields
    max_checked: int | None = None  # ``multi``: at most this many (其他致贫原因: 2)
    hint: str = ""  # placeholder or help


def _f(label: str, kind: Kind = "text", table: str | None = None, **kw: Any) -> FieldSpec:
    return FieldSpec(label, kind, table, **kw)


FIELDS: dict[str, FieldSpec] = {
    # household: basic information, attribute, status
    "household.household_number": _f(QT_TRANSLATE_NOOP("FormFields", "户编号"), "readonly"),
    "household.village_id": _f(QT_TRANSLATE_NOOP("FormFields", "行政村"), "readonly"),
    "household.hamlet_id": _f(QT_TRANSLATE_NOOP("FormFields", "自然村(组)"), "readonly"),
    "household.address": _f(QT_TRANSLATE_NOOP("FormFields", "家庭住址")),
    "household.phone": _f(
        QT_TRANSLATE_NOOP("FormFields", "联系电话"),
        hint=QT_TRANSLATE_NOOP("FormFields", "11位手机号码"),
    ),
    "household.status": _f(QT_TRANSLATE_NOOP("FormFields", "脱贫状态"), "readonly", "status"),
    "household.attribute": _f(QT_TRANSLATE_NOOP("FormFields", "贫困户属性"), "code", "attribute"),
    "household.special_support_mode": _f(
        QT_TRANSLATE_NOOP("FormFields", "特困供养方式"), "code", "special_support_mode"
    ),
    "household.identification_standard": _f(
        QT_TRANSLATE_NOOP("FormFields", "识别标准"), "code", "identification_standard"
    ),
    "household.main_cause": _f(
        QT_TRANSLATE_NOOP("FormFields", "主要致贫原因"), "code", "poverty_cause"
    ),
    "household.other_causes": _f(
        QT_TRANSLATE_NOOP("FormFields", "其他致贫原因"), "multi", "poverty_cause", max_checked=2
    ),
    "household.return_causes": _f(
        QT_TRANSLATE_NOOP("FormFields", "返贫原因"), "multi", "return_cause"
    ),
    "household.military_family": _f(QT_TRANSLATE_NOOP("FormFields", "是否军烈属"), "bool"),
    "household.only_child": _f(QT_TRANSLATE_NOOP("FormFields", "是否独生子女户"), "bool"),
    "household.two_daughters": _f(QT_TRANSLATE_NOOP("FormFields", "是否双女户"), "bool"),
    "household.identified_year": _f(QT_TRANSLATE_NOOP("FormFields", "首次识别年度"), "readonly"),
    "household.exited_year": _f(QT_TRANSLATE_NOOP("FormFields", "脱贫年度"), "readonly"),
    "household.returned_year": _f(QT_TRANSLATE_NOOP("FormFields", "返贫年度"), "readonly"),
    "household.marginal": _f(QT_TRANSLATE_NOOP("FormFields", "边缘户"), "readonly"),
    "household.monitored": _f(QT_TRANSLATE_NOOP("FormFields", "脱贫监测户"), "readonly"),
    "household.bank_name": _f(QT_TRANSLATE_NOOP("FormFields", "开户银行")),
    "household.bank_account": _f(QT_TRANSLATE_NOOP("FormFields", "银行卡号")),
    "household.cooperative_member": _f(
        QT_TRANSLATE_NOOP("FormFields", "是否加入农民专业合作社"), "bool"
    ),
    "household.led_by_enterprise": _f(
        QT_TRANSLATE_NOOP("FormFields", "是否有龙头企业带动"), "bool"
    ),
    "household.led_by_entrepreneur": _f(
        QT_TRANSLATE_NOOP("FormFields", "是否有创业致富带头人带动"), "bool"
    ),
    "household.last_visit_date": _f(QT_TRANSLATE_NOOP("FormFields", "最近入户日期"), "date"),
    "household.note": _f(QT_TRANSLATE_NOOP("FormFields", "备注")),
    "household.members": _f(QT_TRANSLATE_NOOP("FormFields", "家庭成员"), "readonly"),
    "household.member_count": _f(QT_TRANSLATE_NOOP("FormFields", "家庭人口数"), "readonly"),
    # production and living conditions
    "household.cultivated_land_mu": _f(QT_TRANSLATE_NOOP("FormFields", "耕地面积(亩)"), "number"),
    "household.irrigated_land_mu": _f(
        QT_TRANSLATE_NOOP("FormFields", "有效灌溉面积(亩)"), "number"
    ),
    "household.forest_land_mu": _f(QT_TRANSLATE_NOOP("FormFields", "林地面积(亩)"), "number"),
    "household.returned_farmland_mu": _f(
        QT_TRANSLATE_NOOP("FormFields", "退耕还林面积(亩)"), "number"
    ),
    "household.fruit_forest_mu": _f(QT_TRANSLATE_NOOP("FormFields", "林果面积(亩)"), "number"),
    "household.pasture_mu": _f(QT_TRANSLATE_NOOP("FormFields", "牧草地面积(亩)"), "number"),
    "household.water_surface_mu": _f(QT_TRANSLATE_NOOP("FormFields", "水面面积(亩)"), "number"),
    "household.production_power": _f(QT_TRANSLATE_NOOP("FormFields", "是否通生产用电"), "bool"),
    "household.living_power": _f(QT_TRANSLATE_NOOP("FormFields", "是否通生活用电"), "bool"),
    "household.broadcast_tv": _f(QT_TRANSLATE_NOOP("FormFields", "是否通广播电视"), "bool"),
    "household.road_distance_km": _f(
        QT_TRANSLATE_NOOP("FormFields", "与村主干路距离(公里)"), "number"
    ),
    "household.road_type": _f(QT_TRANSLATE_NOOP("FormFields", "入户路类型"), "code", "road_type"),
    "household.housing_area_m2": _f(QT_TRANSLATE_NOOP("FormFields", "住房面积(平方米)"), "number"),
    "household.dangerous_house": _f(QT_TRANSLATE_NOOP("FormFields", "是否危房户"), "bool"),
    "household.housing_grade": _f(
        QT_TRANSLATE_NOOP("FormFields", "危房等级"), "code", "housing_grade"
    ),
    "household.sanitary_toilet": _f(QT_TRANSLATE_NOOP("FormFields", "有无卫生厕所"), "bool"),
    "household.fuel_type": _f(QT_TRANSLATE_NOOP("FormFields", "主要燃料类型"), "code", "fuel"),
    "household.relocation_wish": _f(QT_TRANSLATE_NOOP("FormFields", "是否有搬迁意愿"), "bool"),
    "household.relocation_mode": _f(
        QT_TRANSLATE_NOOP("FormFields", "搬迁方式"), "code", "relocation_mode"
    ),
    "household.resettlement_method": _f(
        QT_TRANSLATE_NOOP("FormFields", "安置方式"), "code", "resettlement_method"
    ),
    "household.resettlement_place": _f(
        QT_TRANSLATE_NOOP("FormFields", "安置地"), "code", "resettlement_place"
    ),
    # two assurances, three guarantees, drinking water
    "household.food_assured": _f(QT_TRANSLATE_NOOP("FormFields", "不愁吃"), "bool"),
    "household.clothing_assured": _f(QT_TRANSLATE_NOOP("FormFields", "不愁穿"), "bool"),
    "household.education_assured": _f(QT_TRANSLATE_NOOP("FormFields", "义务教育有保障"), "bool"),
    "household.medical_assured": _f(QT_TRANSLATE_NOOP("FormFields", "基本医疗有保障"), "bool"),
    "household.housing_assured": _f(QT_TRANSLATE_NOOP("FormFields", "住房安全有保障"), "bool"),
    "household.water_assured": _f(QT_TRANSLATE_NOOP("FormFields", "饮水安全有保障"), "bool"),
    "household.drinking_water_difficult": _f(
        QT_TRANSLATE_NOOP("FormFields", "饮水是否困难"), "bool"
    ),
    "household.drinking_water_safe": _f(QT_TRANSLATE_NOOP("FormFields", "饮水是否安全"), "bool"),
    # location (read-only here)
    "household.latitude": _f(QT_TRANSLATE_NOOP("FormFields", "纬度"), "readonly"),
    "household.longitude": _f(QT_TRANSLATE_NOOP("FormFields", "经度"), "readonly"),
    "household.location_source": _f(QT_TRANSLATE_NOOP("FormFields", "位置来源"), "readonly"),
    "household.location_accuracy_m": _f(
        QT_TRANSLATE_NOOP("FormFields", "定位精度(米)"), "readonly"
    ),
    "household.location_time": _f(QT_TRANSLATE_NOOP("FormFields", "定位时间"), "readonly"),
    "household.away_long_term": _f(QT_TRANSLATE_NOOP("FormFields", "整户长期外出"), "readonly"),
    "household.location_note": _f(QT_TRANSLATE_NOOP("FormFields", "位置说明"), "readonly"),
    "household.location_contact": _f(QT_TRANSLATE_NOOP("FormFields", "联系方式"), "readonly"),
    # members
    "member.name": _f(QT_TRANSLATE_NOOP("FormFields", "姓名")),
    "member.relation": _f(QT_TRANSLATE_NOOP("FormFields", "与户主关系"), "code", "relation"),
    "member.id_type": _f(QT_TRANSLATE_NOOP("FormFields", "证件类型"), "code", "id_type"),
    "member.id_number": _f(
        QT_TRANSLATE_NOOP("FormFields", "证件号码"),
        hint=QT_TRANSLATE_NOOP("FormFields", "18位身份证号码,残疾人可填20位残疾人证号"),
    ),
    "member.sex": _f(QT_TRANSLATE_NOOP("FormFields", "性别"), "code", "sex"),
    "member.birth_date": _f(QT_TRANSLATE_NOOP("FormFields", "出生日期"), "date"),
    "member.disability_cert_number": _f(
        QT_TRANSLATE_NOOP("FormFields", "残疾人证号"), hint=QT_TRANSLATE_NOOP("FormFields", "20位")
    ),
    "member.ethnicity": _f(QT_TRANSLATE_NOOP("FormFields", "民族"), "code", "ethnicity"),
    "member.political_status": _f(
        QT_TRANSLATE_NOOP("FormFields", "政治面貌"), "code", "political_status"
    ),
    "member.education": _f(QT_TRANSLATE_NOOP("FormFields", "文化程度"), "code", "education"),
    "member.school_status": _f(
        QT_TRANSLATE_NOOP("FormFields", "在校生状况"), "code", "school_status"
    ),
    "member.dropout_reason": _f(QT_TRANSLATE_NOOP("FormFields", "失学或辍学原因")),
    "member.health": _f(QT_TRANSLATE_NOOP("FormFields", "健康状况"), "multi", "health"),
    "member.labour_skill": _f(QT_TRANSLATE_NOOP("FormFields", "劳动技能"), "code", "labour_skill"),
    "member.work_months": _f(QT_TRANSLATE_NOOP("FormFields", "务工时间(月)"), "int"),
    "member.work_place": _f(QT_TRANSLATE_NOOP("FormFields", "务工所在地"), "code", "work_place"),
    "member.work_employer": _f(QT_TRANSLATE_NOOP("FormFields", "务工企业名称")),
    "member.phone": _f(QT_TRANSLATE_NOOP("FormFields", "联系电话")),
    "member.active_military": _f(QT_TRANSLATE_NOOP("FormFields", "是否现役军人"), "bool"),
    "member.speaks_mandarin": _f(QT_TRANSLATE_NOOP("FormFields", "是否会讲普通话"), "bool"),
    "member.basic_medical_insurance": _f(
        QT_TRANSLATE_NOOP("FormFields", "参加城乡居民基本医疗保险"), "bool"
    ),
    "member.serious_illness_insurance": _f(QT_TRANSLATE_NOOP("FormFields", "参加大病保险"), "bool"),
    "member.basic_pension_insurance": _f(
        QT_TRANSLATE_NOOP("FormFields", "参加城乡居民基本养老保险"), "bool"
    ),
    "member.accident_insurance": _f(
        QT_TRANSLATE_NOOP("FormFields", "享受人身意外保险补贴"), "bool"
    ),
    "member.commercial_medical_insurance": _f(
        QT_TRANSLATE_NOOP("FormFields", "参加商业补充医疗保险"), "bool"
    ),
    "member.min_living_allowance": _f(QT_TRANSLATE_NOOP("FormFields", "享受低保"), "bool"),
    "member.special_support": _f(QT_TRANSLATE_NOOP("FormFields", "特困供养人员"), "bool"),
    "member.medical_assistance": _f(QT_TRANSLATE_NOOP("FormFields", "接受医疗救助"), "bool"),
    "member.joined_reason": _f(
        QT_TRANSLATE_NOOP("FormFields", "增加原因"), "readonly", "natural_change_reason"
    ),
    "member.joined_date": _f(QT_TRANSLATE_NOOP("FormFields", "增加日期"), "readonly"),
    "member.left_reason": _f(
        QT_TRANSLATE_NOOP("FormFields", "减少原因"), "readonly", "natural_change_reason"
    ),
    "member.left_date": _f(QT_TRANSLATE_NOOP("FormFields", "减少日期"), "readonly"),
    # income
    "income.policy_year": _f(QT_TRANSLATE_NOOP("FormFields", "收入年度"), "readonly"),
    "income.period_start": _f(QT_TRANSLATE_NOOP("FormFields", "收入计算周期起"), "date"),
    "income.period_end": _f(QT_TRANSLATE_NOOP("FormFields", "收入计算周期止"), "date"),
    "income.wage_income": _f(QT_TRANSLATE_NOOP("FormFields", "工资性收入(元)"), "number"),
    "income.business_income": _f(QT_TRANSLATE_NOOP("FormFields", "生产经营性收入(元)"), "number"),
    "income.property_income": _f(QT_TRANSLATE_NOOP("FormFields", "财产性收入(元)"), "number"),
    "income.transfer_income": _f(QT_TRANSLATE_NOOP("FormFields", "转移性收入(元)"), "number"),
    "income.production_costs": _f(QT_TRANSLATE_NOOP("FormFields", "生产经营性支出(元)"), "number"),
    "income_item.component": _f(QT_TRANSLATE_NOOP("FormFields", "收入项"), "code"),
    "income_item.item": _f(QT_TRANSLATE_NOOP("FormFields", "明细")),
    "income_item.amount": _f(QT_TRANSLATE_NOOP("FormFields", "金额(元)"), "number"),
    # assistance
    "measure.year": _f(QT_TRANSLATE_NOOP("FormFields", "年度"), "int"),
    "measure.category": _f(
        QT_TRANSLATE_NOOP("FormFields", "帮扶类别"), "code", "assistance_category"
    ),
    "measure.item": _f(QT_TRANSLATE_NOOP("FormFields", "帮扶项目"), "code"),
    "measure.description": _f(QT_TRANSLATE_NOOP("FormFields", "说明")),
    "measure.amount": _f(QT_TRANSLATE_NOOP("FormFields", "金额(元)"), "number"),
    "measure.department": _f(QT_TRANSLATE_NOOP("FormFields", "行业部门")),
    "measure.received": _f(QT_TRANSLATE_NOOP("FormFields", "已享受"), "bool"),
    "measure.member_id": _f(QT_TRANSLATE_NOOP("FormFields", "受益成员"), "code"),
    "assistance_person.name": _f(QT_TRANSLATE_NOOP("FormFields", "帮扶责任人姓名")),
    "assistance_person.sex": _f(QT_TRANSLATE_NOOP("FormFields", "性别"), "code", "sex"),
    "assistance_person.political_status": _f(
        QT_TRANSLATE_NOOP("FormFields", "政治面貌"), "code", "political_status"
    ),
    "assistance_person.unit_name": _f(QT_TRANSLATE_NOOP("FormFields", "帮扶单位")),
    "assistance_person.unit_level": _f(
        QT_TRANSLATE_NOOP("FormFields", "单位隶属关系"), "code", "unit_level"
    ),
    "assistance_person.position": _f(QT_TRANSLATE_NOOP("FormFields", "职务")),
    "assistance_person.phone": _f(QT_TRANSLATE_NOOP("FormFields", "联系电话")),
    "assistance_person.start_date": _f(QT_TRANSLATE_NOOP("FormFields", "帮扶开始日期"), "date"),
    "assistance_person.end_date": _f(QT_TRANSLATE_NOOP("FormFields", "帮扶结束日期"), "date"),
    # risks (internal)
    "risk.kind": _f(QT_TRANSLATE_NOOP("FormFields", "类别"), "code"),
    "risk.risk_type": _f(QT_TRANSLATE_NOOP("FormFields", "风险类型"), "code", "risk_type"),
    "risk.identified_date": _f(QT_TRANSLATE_NOOP("FormFields", "识别日期"), "date"),
    "risk.decided_by": _f(QT_TRANSLATE_NOOP("FormFields", "认定主体"), "code", "risk_decider"),
    "risk.decision_date": _f(QT_TRANSLATE_NOOP("FormFields", "认定日期"), "date"),
    "risk.eliminated": _f(QT_TRANSLATE_NOOP("FormFields", "风险已消除"), "bool"),
    "risk.eliminated_date": _f(QT_TRANSLATE_NOOP("FormFields", "消除日期"), "date"),
    "risk.elimination_method": _f(QT_TRANSLATE_NOOP("FormFields", "消除方式")),
    "risk.note": _f(QT_TRANSLATE_NOOP("FormFields", "备注")),
    # natural changes and procedures
    "natural_change.member_id": _f(QT_TRANSLATE_NOOP("FormFields", "成员"), "code"),
    "natural_change.direction": _f(QT_TRANSLATE_NOOP("FormFields", "增减"), "code"),
    "natural_change.reason": _f(
        QT_TRANSLATE_NOOP("FormFields", "变更原因"), "code", "natural_change_reason"
    ),
    "natural_change.change_date": _f(QT_TRANSLATE_NOOP("FormFields", "变更日期"), "date"),
    "natural_change.note": _f(QT_TRANSLATE_NOOP("FormFields", "说明")),
    "procedure.operation": _f(QT_TRANSLATE_NOOP("FormFields", "办理事项"), "code", "operation"),
    "procedure.step": _f(QT_TRANSLATE_NOOP("FormFields", "程序步骤"), "code", "procedure_step"),
    "procedure.start_date": _f(QT_TRANSLATE_NOOP("FormFields", "开始日期"), "date"),
    "procedure.end_date": _f(QT_TRANSLATE_NOOP("FormFields", "结束日期"), "date"),
    "procedure.outcome": _f(QT_TRANSLATE_NOOP("FormFields", "结果")),
    "procedure.recorded_by": _f(QT_TRANSLATE_NOOP("FormFields", "记录人")),
}

FIELD_LABELS: dict[str, str] = {key: spec.label for key, spec in FIELDS.items()}
"""``entity.column`` → Chinese label, for messages and the household book."""

ENTITY_OF_TABLE = {
    "households": "household",
    "members": "member",
    "incomes": "income",
    "income_items": "income_item",
    "assistance_measures": "measure",
    "assistance_persons": "assistance_person",
    "risks": "risk",
    "natural_changes": "natural_change",
    "procedure_steps": "procedure",
}
ENTITY_LABELS = {
    "household": QT_TRANSLATE_NOOP("FormFields", "户"),
    "member": QT_TRANSLATE_NOOP("FormFields", "成员"),
    "income": QT_TRANSLATE_NOOP("FormFields", "收入"),
    "income_item": QT_TRANSLATE_NOOP("FormFields", "收入明细"),
    "measure": QT_TRANSLATE_NOOP("FormFields", "帮扶措施"),
    "assistance_person": QT_TRANSLATE_NOOP("FormFields", "帮扶责任人"),
    "risk": QT_TRANSLATE_NOOP("FormFields", "风险"),
    "natural_change": QT_TRANSLATE_NOOP("FormFields", "自然变更"),
    "procedure": QT_TRANSLATE_NOOP("FormFields", "程序"),
}
"""Entity → Chinese name (translate with ``tr_label``)."""

INCOME_COMPONENT_LABELS = {
    "wage": QT_TRANSLATE_NOOP("FormFields", "工资性收入"),
    "business": QT_TRANSLATE_NOOP("FormFields", "生产经营性收入"),
    "property": QT_TRANSLATE_NOOP("FormFields", "财产性收入"),
    "transfer": QT_TRANSLATE_NOOP("FormFields", "转移性收入"),
    "costs": QT_TRANSLATE_NOOP("FormFields", "生产经营性支出"),
}
RISK_KIND_LABELS = {
    "marginal": QT_TRANSLATE_NOOP("FormFields", "边缘户致贫风险"),
    "monitored": QT_TRANSLATE_NOOP("FormFields", "监测户返贫风险"),
}
DIRECTION_LABELS = {
    "in": QT_TRANSLATE_NOOP("FormFields", "自然增加"),
    "out": QT_TRANSLATE_NOOP("FormFields", "自然减少"),
}
LOCATION_SOURCE_LABELS = {
    "gps": QT_TRANSLATE_NOOP("FormFields", "GPS定位"),
    "manual": QT_TRANSLATE_NOOP("FormFields", "手工录入坐标"),
    "original_address": QT_TRANSLATE_NOOP("FormFields", "原住址(整户外出)"),
    "village_committee": QT_TRANSLATE_NOOP("FormFields", "村委会位置(整户外出)"),
}


def tr_label(text: str) -> str:
    """A label of this module (marked in context ``FormFields``) in the interface language."""
    return QCoreApplication.translate("FormFields", text) if text else text


def field_label(key_or_label: str) -> str:
    """A field's label in the interface language: by key (``household.phone``) or by label."""
    spec = FIELDS.get(key_or_label)
    return tr_label(spec.label if spec is not None else key_or_label)


REQUIRED_MARK_COLOUR = "#b71c1c"  # 5.9:1 on the window's light grey (WCAG AA)


def is_required(key: str) -> bool:
    """Whether field ``key`` must be filled before the household can be finalised."""
    return key in REQUIRED_FIELDS or key == "member.id_number"


def label_text(key: str) -> str:
    """A field's label for a form row: ``民族*:`` (rich text, a red asterisk) when it is required."""
    text = html.escape(field_label(key))
    if is_required(key):
        text += f'<span style="color: {REQUIRED_MARK_COLOUR};">*</span>'
    return text + ":"


def required_legend() -> str:
    """The line that explains the asterisk (rich text)."""
    return (
        f'<span style="color: {REQUIRED_MARK_COLOUR};">*</span> '
        + html.escape(QCoreApplication.translate("FormFields", "必填:建档立卡户定稿前要填写"))
    )


def translated_choices(labels: Mapping[str, str]) -> list[tuple[str, str]]:
    """(code, label in the interface language) of a mapping of this module's labels."""
    return [(code, tr_label(label)) for code, label in labels.items()]


def yes_no(value: bool) -> str:
    """是 / 否 in the interface language."""
    return (
        QCoreApplication.translate("FormFields", "是")
        if value
        else QCoreApplication.translate("FormFields", "否")
    )


def not_filled() -> str:
    """The empty choice of a combo box (— 未填 —) in the interface language."""
    return QCoreApplication.translate("FormFields", "— 未填 —")


PROBLEM_STYLE = """
QLineEdit[problem="error"], QComboBox[problem="error"], QListWidget[problem="error"] {
    border: 2px solid #c62828; background: #fff1f0; }
QLineEdit[problem="warning"], QComboBox[problem="warning"], QListWidget[problem="warning"] {
    border: 2px solid #b26a00; background: #fff8e1; }
"""


def code_text(table: str | None, code: str | None) -> str:
    """``code label`` of a coded value for display (empty for None)."""
    if code is None or code == "":
        return ""
    if table is None:
        return str(code)
    return ui_code_table(table).label(code)


def display_value(key: str, value: Any) -> str:
    """How a stored or typed value of field ``key`` reads: labels for codes, 是/否 for booleans."""
    spec = FIELDS.get(key)
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    if spec is not None and spec.table is not None:
        if isinstance(value, list):
            return "、".join(code_text(spec.table, v) for v in value)
        return code_text(spec.table, str(value))
    if key == "household.location_source":
        return tr_label(LOCATION_SOURCE_LABELS.get(str(value), str(value)))
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


# --- widgets ------------------------------------------------------------------------------------


def _mark(widget: QWidget, severity: str | None, message: str, base_tip: str) -> None:
    if widget.property("problem") != severity:
        widget.setProperty("problem", severity)
        widget.style().unpolish(widget)
        widget.style().polish(widget)
    widget.setToolTip(message if severity else base_tip)


class TextField(QLineEdit):
    """A line of text (also dates and numbers, kept as typed). Enter moves to the next field."""

    edited = Signal()

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        if spec.kind == "date":
            self.setPlaceholderText(QCoreApplication.translate("FormFields", "如 2019-11-30"))
        elif spec.kind in ("number", "int"):
            self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.setPlaceholderText("0")
        elif spec.hint:
            self.setPlaceholderText(tr_label(spec.hint))
        self.textEdited.connect(lambda _text: self.edited.emit())
        self.returnPressed.connect(self._next)

    def _next(self) -> None:
        self.focusNextChild()

    def value(self) -> str | None:
        text = self.text()
        return text if text.strip() else None

    def set_value(self, value: Any) -> None:
        text = "" if value is None else str(value)
        if text != self.text():
            self.setText(text)
            self.setCursorPosition(0)

    def set_problem(self, severity: str | None, message: str = "") -> None:
        _mark(self, severity, message, tr_label(self.spec.hint))


class CodeField(QComboBox):
    """A choice from a code table, shown as ``code label`` (type the code to jump to it)."""

    edited = Signal()

    def __init__(
        self,
        spec: FieldSpec,
        parent: QWidget | None = None,
        *,
        choices: Iterable[tuple[str, str]] | None = None,
    ) -> None:
        super().__init__(parent)
        self.spec = spec
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(10)
        self.set_choices(choices if choices is not None else table_choices(spec.table))
        # Any change the person makes (mouse, arrow keys, typing the code) is an edit;
        # set_value and set_choices block signals, so loading a row is not.
        self.currentIndexChanged.connect(lambda _index: self.edited.emit())

    def set_choices(self, choices: Iterable[tuple[str, str]]) -> None:
        """Replace the choices (code, label); the current code is kept when still there."""
        current = self.value() if self.count() else None
        blocked = self.blockSignals(True)
        self.clear()
        self.addItem(not_filled(), None)
        for code, label in choices:
            self.addItem(f"{code} {label}" if code != label else label, code)
        self.set_value(current)
        self.blockSignals(blocked)

    def value(self) -> str | None:
        data = self.currentData()
        return None if data is None else str(data)

    def set_value(self, value: Any) -> None:
        code = None if value in (None, "") else str(value)
        blocked = self.blockSignals(True)
        index = self.findData(code) if code is not None else 0
        if index < 0:  # a code the table does not know: shown, never lost
            self.addItem(f"[{code}]", code)
            index = self.count() - 1
        self.setCurrentIndex(index)
        self.blockSignals(blocked)

    def set_problem(self, severity: str | None, message: str = "") -> None:
        _mark(self, severity, message, tr_label(self.spec.hint))


class BoolField(QComboBox):
    """是 / 否 / 未填 (a yes/no field that was not collected stays empty)."""

    edited = Signal()

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.addItem(not_filled(), None)
        self.addItem(yes_no(True), True)
        self.addItem(yes_no(False), False)
        self.currentIndexChanged.connect(lambda _index: self.edited.emit())

    def value(self) -> bool | None:
        return self.currentData()

    def set_value(self, value: Any) -> None:
        blocked = self.blockSignals(True)
        self.setCurrentIndex(0 if value is None else (1 if value else 2))
        self.blockSignals(blocked)

    def set_problem(self, severity: str | None, message: str = "") -> None:
        _mark(self, severity, message, tr_label(self.spec.hint))


class MultiCodeField(QListWidget):
    """Several codes of a table, ticked with the space bar or a click (健康状况, 其他致贫原因)."""

    edited = Signal()

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.setFlow(QListWidget.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._loading = False
        for code, label in table_choices(spec.table):
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setFlags(
                Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsUserCheckable
                | Qt.ItemFlag.ItemIsSelectable
            )
            item.setCheckState(Qt.CheckState.Unchecked)
            self.addItem(item)
        self.setSpacing(2)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFixedHeight(self.height_for(300))
        self.itemChanged.connect(self._changed)

    def height_for(self, width: int) -> int:
        """The height that shows every code when the list is ``width`` wide (the items wrap)."""
        spacing = self.spacing()
        available = width - 2 * self.frameWidth() - 2 * spacing - 4
        x, rows, line = 0, 1, 0
        for row in range(self.count()):
            hint = self.sizeHintForIndex(self.model().index(row, 0))
            step = hint.width() + 2 * spacing
            if x and x + step > available:
                rows, x = rows + 1, 0
            x += step
            line = max(line, hint.height() + 2 * spacing)
        return rows * max(line, self.fontMetrics().height() + 6) + 2 * self.frameWidth() + 4

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            QTimer.singleShot(0, self, self._fit)  # after the layout pass that resized it

    def _fit(self) -> None:
        wanted = self.height_for(self.width())
        if wanted == self.height():
            return
        self.setFixedHeight(wanted)

    def _changed(self, _item: QListWidgetItem) -> None:
        if not self._loading:
            self.edited.emit()

    def keyPressEvent(self, event: Any) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.focusNextChild()
            return
        super().keyPressEvent(event)

    def value(self) -> list[str]:
        return [
            str(self.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.count())
            if self.item(i).checkState() == Qt.CheckState.Checked
        ]

    def set_value(self, value: Any) -> None:
        wanted = {str(v) for v in value or ()}
        self._loading = True
        known = set()
        for i in range(self.count()):
            item = self.item(i)
            code = str(item.data(Qt.ItemDataRole.UserRole))
            known.add(code)
            state = Qt.CheckState.Checked if code in wanted else Qt.CheckState.Unchecked
            if item.checkState() != state:
                item.setCheckState(state)
        for code in sorted(wanted - known):  # unknown codes are kept and shown
            item = QListWidgetItem(f"[{code}]")
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.addItem(item)
        self._loading = False

    def set_problem(self, severity: str | None, message: str = "") -> None:
        _mark(self, severity, message, tr_label(self.spec.hint))


class ReadOnlyField(QLabel):
    """A value shown, not edited (status, years set by operations, location)."""

    edited = Signal()

    def __init__(self, spec: FieldSpec, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.key = key
        self._value: Any = None
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def value(self) -> Any:
        return self._value

    def set_value(self, value: Any) -> None:
        self._value = value
        self.setText(display_value(self.key, value) or "—")

    def set_problem(self, severity: str | None, message: str = "") -> None:
        colour = {"error": "#c62828", "warning": "#8a5100"}.get(severity or "", "")
        self.setStyleSheet(
            f"color: {colour}; font-weight: bold;" if colour else "color: palette(window-text);"
        )
        self.setToolTip(message)


FieldWidget = TextField | CodeField | BoolField | MultiCodeField | ReadOnlyField


def table_choices(table: str | None) -> list[tuple[str, str]]:
    """(code, label) of a code table's top-level entries, in file order."""
    if table is None:
        return []
    codes = ui_code_table(table)
    return [(code, codes.label(code)) for code in codes.codes()]


def make_field(key: str, parent: QWidget | None = None) -> FieldWidget:
    """The widget for field ``key`` of ``FIELDS``."""
    spec = FIELDS[key]
    match spec.kind:
        case "code":
            return CodeField(spec, parent)
        case "bool":
            return BoolField(spec, parent)
        case "multi":
            return MultiCodeField(spec, parent)
        case "readonly":
            return ReadOnlyField(spec, key, parent)
    return TextField(spec, parent)


class FieldBinder:
    """Widgets bound to the keys of one dict of form values (the household, a member …).

    ``row()`` returns the dict the widgets edit now (it may change, e.g. the selected member);
    an edit writes the widget's value into it and calls ``on_edit(key)``.
    """

    def __init__(
        self,
        entity: str,
        row: Callable[[], dict[str, Any] | None],
        on_edit: Callable[[str], None],
        *,
        create: Callable[[], dict[str, Any]] | None = None,
    ) -> None:
        self.entity = entity
        self._row = row
        self._create = create
        self._on_edit = on_edit
        self.widgets: dict[str, FieldWidget] = {}

    def add(self, column: str, parent: QWidget | None = None) -> FieldWidget:
        key = f"{self.entity}.{column}"
        widget = make_field(key, parent)
        widget.setObjectName(key)
        widget.edited.connect(lambda column=column: self._edited(column))
        self.widgets[column] = widget
        return widget

    def add_rows(self, form: QFormLayout, columns: Iterable[str]) -> None:
        """Add ``label: widget`` rows to a form layout, in order (which is also the tab order).

        A row whose label and field do not fit side by side puts the field under its label,
        so a long (English) label never widens the page past a 1024-pixel screen."""
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for column in columns:
            widget = self.add(column)
            key = f"{self.entity}.{column}"
            label = QLabel(label_text(key))
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setObjectName(f"label:{key}")
            label.setBuddy(widget)
            if is_required(key):
                label.setProperty("required", True)
                label.setToolTip(QCoreApplication.translate("FormFields", "必填"))
            form.addRow(label, widget)

    def _edited(self, column: str) -> None:
        row = self._row()
        if row is None and self._create is not None:
            row = self._create()  # the first value typed creates the record (an income …)
        if row is None:
            return
        row[column] = self.widgets[column].value()
        self._on_edit(column)

    def load(self) -> None:
        """Show the current row's values (nothing is emitted)."""
        row = self._row() or {}
        for column, widget in self.widgets.items():
            widget.set_value(row.get(column))

    def set_enabled(self, enabled: bool) -> None:
        for widget in self.widgets.values():
            widget.setEnabled(enabled)

    def mark(self, problems: Mapping[str, tuple[str, str]]) -> None:
        """Mark the widgets named in ``problems`` (column → (severity, message)), clear the rest."""
        for column, widget in self.widgets.items():
            severity, message = problems.get(column, (None, ""))
            widget.set_problem(severity, message)
