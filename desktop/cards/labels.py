"""Chinese names for the household book: entities, fields and coded values, and masking.

The book (``LedgerEntry``) records column names and stored values (``poor``, ``01`` …); the
printed book shows what a person reads on the form. A field not named here prints as its column
name, so a new column still appears in the book.
"""

from __future__ import annotations

from desktop.domain.codes import CodeTableError, code_table
from desktop.domain.reviews import VERDICT_LABELS

ENTITY_LABELS = {
    "households": "户",
    "members": "成员",
    "incomes": "收入",
    "income_items": "收入明细",
    "assistance_measures": "帮扶措施",
    "assistance_persons": "帮扶责任人",
    "risks": "风险",
    "natural_changes": "自然变更",
    "procedure_steps": "识别程序",
    "crosscheck_results": "比对",
    "medical_settlements": "医疗结算",
    "problem_notes": "问题说明",
    "household_reviews": "审核",
    "divisions": "区划",
}

FIELD_LABELS = {
    "verdict": "审核结论",
    "comment": "审核意见",
    "reviewer": "审核人",
    "reviewed_at": "审核时间",
    "*": "整户录入",
    "household_number": "户编号",
    "village_id": "行政村",
    "hamlet_id": "自然村(组)",
    "address": "住址",
    "status": "脱贫状态",
    "attribute": "贫困户属性",
    "special_support_mode": "供养方式",
    "identification_standard": "识别标准",
    "main_cause": "主要致贫原因",
    "other_causes": "其他致贫原因",
    "return_causes": "返贫原因",
    "military_family": "军烈属",
    "only_child": "独生子女户",
    "two_daughters": "双女户",
    "identified_year": "识别年度",
    "exited_year": "脱贫年度",
    "returned_year": "返贫年度",
    "marginal": "边缘户",
    "monitored": "脱贫监测户",
    "phone": "联系电话",
    "bank_name": "开户银行",
    "bank_account": "银行账号",
    "cooperative_member": "加入合作社",
    "cultivated_land_mu": "耕地面积(亩)",
    "irrigated_land_mu": "有效灌溉面积(亩)",
    "forest_land_mu": "林地面积(亩)",
    "returned_farmland_mu": "退耕还林面积(亩)",
    "fruit_forest_mu": "林果面积(亩)",
    "pasture_mu": "牧草地面积(亩)",
    "water_surface_mu": "水面面积(亩)",
    "production_power": "通生产用电",
    "living_power": "通生活用电",
    "broadcast_tv": "通广播电视",
    "drinking_water_difficult": "饮水困难",
    "drinking_water_safe": "饮水安全",
    "road_distance_km": "距主干路(公里)",
    "road_type": "入户路类型",
    "housing_area_m2": "住房面积(平方米)",
    "dangerous_house": "危房户",
    "housing_grade": "危房等级",
    "sanitary_toilet": "卫生厕所",
    "fuel_type": "主要燃料",
    "relocation_wish": "搬迁意愿",
    "relocation_mode": "搬迁方式",
    "resettlement_method": "安置方式",
    "resettlement_place": "安置地",
    "food_assured": "不愁吃",
    "clothing_assured": "不愁穿",
    "education_assured": "义务教育有保障",
    "medical_assured": "基本医疗有保障",
    "housing_assured": "住房安全有保障",
    "water_assured": "饮水安全有保障",
    "latitude": "纬度",
    "longitude": "经度",
    "location_source": "位置来源",
    "location_accuracy_m": "位置精度(米)",
    "location_time": "定位时间",
    "away_long_term": "整户长期外出",
    "location_note": "位置说明",
    "location_contact": "外出联系方式",
    "assistance_person_id": "帮扶责任人",
    "member_count": "家庭人口",
    "head_name": "户主姓名",
    "card_issue": "户卡版次",
    "last_visit_date": "最近走访日期",
    "note": "备注",
    "deleted": "已删除",
    "household_id": "所属户",
    "position": "排序",
    "name": "姓名",
    "sex": "性别",
    "id_type": "证件类型",
    "id_number": "证件号码",
    "disability_cert_number": "残疾证号",
    "birth_date": "出生日期",
    "relation": "与户主关系",
    "ethnicity": "民族",
    "political_status": "政治面貌",
    "education": "文化程度",
    "school_status": "在校生状况",
    "dropout_reason": "辍学原因",
    "health": "健康状况",
    "labour_skill": "劳动技能",
    "work_months": "务工时间(月)",
    "work_place": "务工地点",
    "work_employer": "务工企业",
    "active_military": "现役军人",
    "speaks_mandarin": "会讲普通话",
    "basic_medical_insurance": "参加城乡居民基本医疗保险",
    "serious_illness_insurance": "参加大病保险",
    "basic_pension_insurance": "参加城乡居民基本养老保险",
    "accident_insurance": "参加意外伤害保险",
    "commercial_medical_insurance": "参加商业补充医疗保险",
    "min_living_allowance": "享受低保",
    "special_support": "特困供养",
    "medical_assistance": "接受医疗救助",
    "joined_reason": "增加原因",
    "joined_date": "增加日期",
    "left_reason": "减少原因",
    "left_date": "减少日期",
    "policy_year": "年度",
    "period_start": "收入起始日期",
    "period_end": "收入截止日期",
    "wage_income": "工资性收入",
    "business_income": "生产经营性收入",
    "property_income": "财产性收入",
    "transfer_income": "转移性收入",
    "production_costs": "生产经营性支出",
    "per_capita_net_income": "人均纯收入",
    "year": "年度",
    "category": "类别",
    "item": "项目",
    "description": "说明",
    "amount": "金额",
    "department": "行业部门",
    "received": "已享受",
    "kind": "类型",
    "risk_type": "风险类型",
    "operation": "操作",
    "step": "步骤",
    "start_date": "开始日期",
    "end_date": "结束日期",
    "outcome": "结果",
    "direction": "方向",
    "reason": "原因",
    "change_date": "变更日期",
}

CODED_FIELDS = {
    "status": "status",
    "attribute": "attribute",
    "special_support_mode": "special_support_mode",
    "identification_standard": "identification_standard",
    "main_cause": "poverty_cause",
    "other_causes": "poverty_cause",
    "return_causes": "return_cause",
    "road_type": "road_type",
    "housing_grade": "housing_grade",
    "fuel_type": "fuel",
    "relocation_mode": "relocation_mode",
    "resettlement_method": "resettlement_method",
    "resettlement_place": "resettlement_place",
    "sex": "sex",
    "id_type": "id_type",
    "relation": "relation",
    "ethnicity": "ethnicity",
    "political_status": "political_status",
    "education": "education",
    "school_status": "school_status",
    "health": "health",
    "labour_skill": "labour_skill",
    "work_place": "work_place",
    "joined_reason": "natural_change_reason",
    "left_reason": "natural_change_reason",
    "reason": "natural_change_reason",
    "category": "assistance_category",
    "risk_type": "risk_type",
    "operation": "operation",
    "step": "procedure_step",
}

MASKED_FIELDS = frozenset({"id_number", "disability_cert_number", "bank_account"})
VISIBLE_TAIL = 4
INTERNAL_FIELDS = frozenset({"marginal", "monitored"})
INTERNAL_ENTITIES = frozenset({"risks"})


def field_label(field: str) -> str:
    """The Chinese name of a column, or the column name itself."""
    return FIELD_LABELS.get(field, field)


def entity_label(entity: str) -> str:
    return ENTITY_LABELS.get(entity, entity)


def mask(value: str, visible: int = VISIBLE_TAIL) -> str:
    """``610727199206213822`` → ``**************3822``."""
    shown = value[-visible:] if visible > 0 else ""
    return "*" * (len(value) - len(shown)) + shown


def book_value(field: str, value: str | None) -> str:
    """A stored book value as a person reads it: codes as labels, ID numbers masked."""
    if value is None or value == "":
        return ""
    if field in MASKED_FIELDS:
        return mask(value)
    if field == "verdict":
        return VERDICT_LABELS.get(value, value)
    table_name = CODED_FIELDS.get(field)
    if table_name is None:
        return value
    try:
        table = code_table(table_name)
    except CodeTableError:
        return value
    codes = value.split(",") if table.multi or "," in value else [value]
    return "、".join(table.label(c) if c in table else c for c in codes)
