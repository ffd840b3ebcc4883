"""Problem messages in the interface language.

The domain words its problems in Chinese and gives each message as data too
(``desktop.domain.problems.Text``: a template and its values). ``problem_message`` renders that
template through Qt's translation in context ``Problems``; the words among the values (code
labels, field labels, 户主 …) go through ``Problems``, then ``Codes`` and ``FormFields``. A
problem without the data, or a template not translated yet, reads as the domain wrote it.

``PROBLEM_TEXTS`` lists every literal template of the domain's ``t(...)`` and ``term(...)``
calls so that ``pyside6-lupdate`` finds them; regenerate it with
``python -m desktop.ui.problem_texts`` when a message changes (a test checks it is complete).
"""

from __future__ import annotations

import ast
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from desktop.domain.problems import Problem, Text

CONTEXT = "Problems"
FALLBACK_CONTEXTS = (CONTEXT, "Codes", "FormFields")
DOMAIN = Path(__file__).resolve().parents[1] / "domain"


def translate_words(source: str) -> str:
    """A template or a word of the domain's messages in the interface language."""
    for context in FALLBACK_CONTEXTS:
        translated = QCoreApplication.translate(context, source)
        if translated != source:
            return translated
    return source


def text_in_interface_language(text: Text) -> str:
    """A domain ``Text`` rendered in the interface language."""
    return text.render(translate_words)


def problem_message(problem: Problem) -> str:
    """The problem's message in the interface language (as the domain wrote it when untranslated)."""
    # A message may start with an empty subject (a household's procedure names none): English
    # puts a space after it, Chinese does not.
    return text_in_interface_language(problem.words).strip()


def domain_templates(folder: Path = DOMAIN) -> list[str]:
    """Every literal first argument of ``t(…)`` and ``term(…)`` in the domain's modules, in order."""
    found: list[str] = []
    for path in sorted(folder.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("t", "term")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and node.args[0].value not in found
            ):
                found.append(node.args[0].value)
    return found


PROBLEM_TEXTS = (
    QT_TRANSLATE_NOOP("Problems", "、"),
    QT_TRANSLATE_NOOP("Problems", "成员“{name}”"),
    QT_TRANSLATE_NOOP("Problems", "{who}：{message}"),
    QT_TRANSLATE_NOOP("Problems", "本户没有现有家庭成员（空户），请补录家庭成员，或核实该户是否应当注销。"),
    QT_TRANSLATE_NOOP("Problems", "本户没有户主，请把一名家庭成员的“与户主关系”设为“户主”。"),
    QT_TRANSLATE_NOOP("Problems", "本户有{count}个户主（{names}），只能有一个户主，请核对“与户主关系”。"),
    QT_TRANSLATE_NOOP("Problems", "，已减少的{names}可能仍被计入"),
    QT_TRANSLATE_NOOP("Problems", "其他致贫原因选了{count}项（{labels}），最多只能选{most}项，请核对其他致贫原因。"),
    QT_TRANSLATE_NOOP("Problems", "其他致贫原因中的“{cause}”与主要致贫原因重复，请从其他致贫原因中去掉它。"),
    QT_TRANSLATE_NOOP("Problems", "本户为{status}，但{year}年度人均纯收入{per_capita}元低于脱贫标准{line}元，请核对收入，或核实是否应当返贫。"),
    QT_TRANSLATE_NOOP("Problems", "本户工资性收入为{wage}元，但没有成员填写务工时间，请核对务工成员的务工时间或工资性收入。"),
    QT_TRANSLATE_NOOP("Problems", "主要致贫原因为“因病”，但全家成员健康状况都是“健康”，请核对主要致贫原因或成员健康状况。"),
    QT_TRANSLATE_NOOP("Problems", "主要致贫原因为“因学”，但全家没有在校生，请核对主要致贫原因或成员的在校生状况。"),
    QT_TRANSLATE_NOOP("Problems", "主要致贫原因为“因残”，但全家没有残疾成员，请核对主要致贫原因或成员的健康状况、残疾人证。"),
    QT_TRANSLATE_NOOP("Problems", "本户同时有享受低保的成员（{allowance}）和特困供养人员（{support}），请核对成员的“是否享受低保”和“是否特困供养”。"),
    QT_TRANSLATE_NOOP("Problems", "{who}的证件号码{number}与本户另一名成员相同，同一人不能重复登记，请核对证件号码。"),
    QT_TRANSLATE_NOOP("Problems", "{who}的性别为“{sex}”，但身份证号码显示为“{id_sex}”，请核对性别或身份证号码。"),
    QT_TRANSLATE_NOOP("Problems", "{who}的出生日期为{birth}，但身份证号码中的出生日期为{id_birth}，请核对出生日期或身份证号码。"),
    QT_TRANSLATE_NOOP("Problems", "{who}与户主关系为“{relation}”，性别应为“{expected}”，但登记为“{sex}”，请核对与户主关系或性别。"),
    QT_TRANSLATE_NOOP("Problems", "{who}在{on}为{age}周岁，处于义务教育年龄段，但在校生状况为“非在校生”，请核对在校生状况（如确已失学辍学，请填写失学辍学原因）。"),
    QT_TRANSLATE_NOOP("Problems", "{who}在{on}为{age}周岁，超过{most}周岁，但在校生状况为“{school_status}”，请核对在校生状况或出生日期。"),
    QT_TRANSLATE_NOOP("Problems", "{who}在{on}为{age}周岁，健康状况为“健康”，劳动技能却是“{skill}”，请核对劳动技能或健康状况。"),
    QT_TRANSLATE_NOOP("Problems", "{who}的务工时间为{months}个月，应在0–12个月之间，请核对务工时间。"),
    QT_TRANSLATE_NOOP("Problems", "{who}的务工时间为{months}个月，但本户{year}年度工资性收入为0，请核对务工时间或工资性收入。"),
    QT_TRANSLATE_NOOP("Problems", "{who}的劳动技能为“{skill}”，却有{months}个月务工时间，请核对劳动技能或务工时间。"),
    QT_TRANSLATE_NOOP("Problems", "{who}的健康状况为“残疾”，但没有登记残疾人证（证件类型不是残疾人证，也没有残疾人证号），请补录残疾人证号或核对健康状况。"),
    QT_TRANSLATE_NOOP("Problems", "{who}有残疾人证，但健康状况为“{health}”，没有选“残疾”，请核对健康状况或残疾人证。"),
    QT_TRANSLATE_NOOP("Problems", "未填姓名"),
    QT_TRANSLATE_NOOP("Problems", "{who}已登记减少原因“{reason}”，但没有减少日期，仍被计入家庭人口，请填写减少日期。"),
    QT_TRANSLATE_NOOP("Problems", "家庭人口数为{recorded}人，但现有家庭成员为{current}人{detail}，请核对家庭人口数和成员的减少登记。"),
    QT_TRANSLATE_NOOP("Problems", "{who}的证件类型为残疾人证，证件号码应为20位残疾人证号（身份证号+残疾类别+残疾等级），请核对证件号码或证件类型。"),
    QT_TRANSLATE_NOOP("Problems", "户主"),
    QT_TRANSLATE_NOOP("Problems", "户主配偶"),
    QT_TRANSLATE_NOOP("Problems", "{who}与户主关系为“{relation}”，但出生日期{birth}早于{whom}，请核对出生日期或与户主关系。"),
    QT_TRANSLATE_NOOP("Problems", "{who}与户主关系为“{relation}”，但出生日期{birth}晚于{whom}（{junior_birth}），请核对出生日期或与户主关系。"),
    QT_TRANSLATE_NOOP("Problems", "{year}年{month}月{day}日办理的{operation}不符合工作日历：{reason}"),
    QT_TRANSLATE_NOOP("Problems", "{who}的证件号码是20位残疾人证号，但证件类型为身份证，请把证件类型改为残疾人证。"),
    QT_TRANSLATE_NOOP("Problems", "{who}的残疾人证号应为20位（身份证号+残疾类别+残疾等级），请核对残疾人证号。"),
    QT_TRANSLATE_NOOP("Problems", "{year}年{month}月{day}日"),
    QT_TRANSLATE_NOOP("Problems", "性别"),
    QT_TRANSLATE_NOOP("Problems", "与户主关系"),
    QT_TRANSLATE_NOOP("Problems", "民族"),
    QT_TRANSLATE_NOOP("Problems", "政治面貌"),
    QT_TRANSLATE_NOOP("Problems", "文化程度"),
    QT_TRANSLATE_NOOP("Problems", "在校生状况"),
    QT_TRANSLATE_NOOP("Problems", "健康状况"),
    QT_TRANSLATE_NOOP("Problems", "劳动技能"),
    QT_TRANSLATE_NOOP("Problems", "是否参加大病保险"),
    QT_TRANSLATE_NOOP("Problems", "是否现役军人"),
    QT_TRANSLATE_NOOP("Problems", "本户的贫困户属性为空，请填写贫困户属性。"),
    QT_TRANSLATE_NOOP("Problems", "本户的“是否军烈属”为空，请填写。"),
    QT_TRANSLATE_NOOP("Problems", "{who}在{on}为{age}周岁，不满{least}周岁，劳动技能应为“{expected}”，但登记为“{skill}”，请核对劳动技能或出生日期。"),
    QT_TRANSLATE_NOOP("Problems", "{who}是务工人员，联系电话“{phone}”不是11位手机号码，请核对。"),
    QT_TRANSLATE_NOOP("Problems", "{who}的失学辍学原因为“{reason}”，但健康状况为“健康”，请核对健康状况或失学辍学原因。"),
    QT_TRANSLATE_NOOP("Problems", "本户{year}年享受了就业扶贫措施，但没有成员填写务工时间，请核对帮扶措施或成员的务工情况。"),
    QT_TRANSLATE_NOOP("Problems", "本户为{status}，但登记为危房户或住房安全无保障；有安全住房是脱贫的一票否决指标，请核对住房情况，或核实是否应当返贫。"),
    QT_TRANSLATE_NOOP("Problems", "本户为{status}，但饮水不安全；有安全饮水是脱贫的一票否决指标，请核对饮水情况，或核实是否应当返贫。"),
    QT_TRANSLATE_NOOP("Problems", "本户为{status}，但{labels}登记为未实现，请核对“两不愁三保障”，或核实是否应当返贫。"),
    QT_TRANSLATE_NOOP("Problems", "本户为{status}，但{names}未参加城乡居民基本医疗保险或大病保险；家庭成员全部参加是脱贫的一票否决指标，请核对参保情况。"),
    QT_TRANSLATE_NOOP("Problems", "本户没有登记已享受的帮扶措施；建档立卡以来的帮扶措施（含稳定脱贫户）要按实际核实勾选（导引第3、10问），请补录。"),
    QT_TRANSLATE_NOOP("Problems", "本户的特困供养方式为集中供养，但仍为未脱贫：分散供养转集中供养的，符合脱贫标准和程序的按照脱贫处理（导引第17问），请核实是否办理脱贫。"),
    QT_TRANSLATE_NOOP("Problems", "{who}（{reason}）经比对为{flags}，须经评议综合研判并登记结论（导引第4、15问）。"),
    QT_TRANSLATE_NOOP("Problems", "{who}经比对为{flags}，评议结论为不予纳入，但仍登记为本户成员，请核对。"),
    QT_TRANSLATE_NOOP("Problems", "{who}的{label}为空，请填写{label}。"),
    QT_TRANSLATE_NOOP("Problems", "{who}在{on}为{age}周岁，不满{least}周岁，却登记享受公益岗位（{item}），请核对帮扶措施的对象。"),
    QT_TRANSLATE_NOOP("Problems", "增加"),
    QT_TRANSLATE_NOOP("Problems", "减少"),
    QT_TRANSLATE_NOOP("Problems", "特困供养人员“{name}”以“{reason}”办理了人员自然减少；分散供养转集中供养的不得进行人员自然减少操作，符合脱贫标准和程序的按照脱贫处理（导引第17问），请核实。"),
    QT_TRANSLATE_NOOP("Problems", "{who}的{change}日期为{day}，晚于{year}年度信息采集时间节点{snapshot}（导引第8问），不应计入本年度，请核对日期。"),
    QT_TRANSLATE_NOOP("Problems", "证件号码含有无效字符{shown}，{rule}，请核对。"),
    QT_TRANSLATE_NOOP("Problems", "身份证号码"),
    QT_TRANSLATE_NOOP("Problems", "“{character}”"),
    QT_TRANSLATE_NOOP("Problems", "15位旧身份证号码只能由数字组成"),
    QT_TRANSLATE_NOOP("Problems", "只能由数字组成（只有第18位校验码可以是X）"),
    QT_TRANSLATE_NOOP("Problems", "这是15位旧身份证号码，需换成18位身份证号码（见新身份证或户口簿）。"),
    QT_TRANSLATE_NOOP("Problems", "{subject}前两位“{province}”不是有效的省级行政区划代码（如陕西为61），请核对号码。"),
    QT_TRANSLATE_NOOP("Problems", "证件号码为空，请填写18位身份证号码（残疾人填写20位残疾人证号）。"),
    QT_TRANSLATE_NOOP("Problems", "证件号码长度为{length}位，应为18位身份证号码（残疾人证号为20位），请核对是否多输或漏输。"),
    QT_TRANSLATE_NOOP("Problems", "残疾人证号前18位（身份证号码）"),
    QT_TRANSLATE_NOOP("Problems", "残疾人证号第19位是残疾类别，应为1–7（1视力 2听力 3言语 4肢体 5智力 6精神 7多重），现为{category}，请按残疾人证核对。"),
    QT_TRANSLATE_NOOP("Problems", "残疾人证号第20位是残疾等级，应为1–4（一级至四级），现为{grade}，请按残疾人证核对。"),
    QT_TRANSLATE_NOOP("Problems", "第7–12位"),
    QT_TRANSLATE_NOOP("Problems", "第7–14位"),
    QT_TRANSLATE_NOOP("Problems", "{subject}校验码（第18位）错误，请逐位核对号码。"),
    QT_TRANSLATE_NOOP("Problems", "{subject}中的出生日期{shown}晚于今天，请核对{positions}。"),
    QT_TRANSLATE_NOOP("Problems", "{subject}中的出生日期{shown}不是有效日期，请核对{positions}。"),
    QT_TRANSLATE_NOOP("Problems", "{subject}中的出生日期{shown}早于1900年，请核对{positions}。"),
    QT_TRANSLATE_NOOP("Problems", "收入计算周期为{start}至{end}，{year}年度应为{policy_start}至{policy_end}，请核对收入计算周期。"),
    QT_TRANSLATE_NOOP("Problems", "{label}为负数（{amount}元），收入和支出金额不能小于0，请核对{label}。"),
    QT_TRANSLATE_NOOP("Problems", "{label}的明细项“{item}”为负数（{amount}元），请核对该明细金额。"),
    QT_TRANSLATE_NOOP("Problems", "{label}填写为{stated}元，但其明细合计为{items_sum}元，两者不一致，请核对{label}或其明细。"),
    QT_TRANSLATE_NOOP("Problems", "人均纯收入为{per_capita}元（不大于0），请核对各项收入和生产经营性支出。"),
    QT_TRANSLATE_NOOP("Problems", "登记的人均纯收入为{recorded}元，但按各项收入计算为{per_capita}元（家庭年收入{total}元，减生产经营性支出后{net}元，{people}人），两者不符，请核对各项收入、生产经营性支出和家庭人口数后保存。"),
    QT_TRANSLATE_NOOP("Problems", "人均纯收入为{per_capita}元，超过{most}元，请核对各项收入、生产经营性支出和家庭人口数。"),
    QT_TRANSLATE_NOOP("Problems", "未填"),
    QT_TRANSLATE_NOOP("Problems", "原住址"),
    QT_TRANSLATE_NOOP("Problems", "村委会位置"),
    QT_TRANSLATE_NOOP("Problems", "北"),
    QT_TRANSLATE_NOOP("Problems", "东北"),
    QT_TRANSLATE_NOOP("Problems", "东"),
    QT_TRANSLATE_NOOP("Problems", "东南"),
    QT_TRANSLATE_NOOP("Problems", "南"),
    QT_TRANSLATE_NOOP("Problems", "西南"),
    QT_TRANSLATE_NOOP("Problems", "西"),
    QT_TRANSLATE_NOOP("Problems", "西北"),
    QT_TRANSLATE_NOOP("Problems", "{kilometres} 公里"),
    QT_TRANSLATE_NOOP("Problems", "{metres} 米"),
    QT_TRANSLATE_NOOP("Problems", ", 看起来经度和纬度写反了"),
    QT_TRANSLATE_NOOP("Problems", "位置在村委会{direction}方向 {distance}, 超过 {most}, 请核对是否属于本村"),
    QT_TRANSLATE_NOOP("Problems", "没有地理位置: 请用 GPS 采集或手工输入坐标; 户籍在本地、现无住房、整户长期外出的,采集原住址或村委会位置并备注说明、留联系电话"),
    QT_TRANSLATE_NOOP("Problems", "经度和纬度必须同时填写"),
    QT_TRANSLATE_NOOP("Problems", "位置没有注明来源(GPS、手工输入、原住址或村委会位置)"),
    QT_TRANSLATE_NOOP("Problems", "位置没有记录采集时间"),
    QT_TRANSLATE_NOOP("Problems", "GPS 位置没有记录精度"),
    QT_TRANSLATE_NOOP("Problems", "坐标 ({latitude}, {longitude}) 不在中国境内{hint}, 请核对"),
    QT_TRANSLATE_NOOP("Problems", "未知的位置来源“{source}”"),
    QT_TRANSLATE_NOOP("Problems", "位置用的是{label}, 但本户没有标为整户长期外出: 只有户籍在本地、现无住房、整户长期外出的户才采集原住址或村委会位置"),
    QT_TRANSLATE_NOOP("Problems", "位置用的是{label}, 但本户登记有住房 {housing} 平方米: 有住房的应采集住房位置"),
    QT_TRANSLATE_NOOP("Problems", "位置用的是{label}, 必须备注说明情况(如: 全家在外务工, 原房屋已拆除)"),
    QT_TRANSLATE_NOOP("Problems", "位置用的是{label}, 必须留存联系电话(手机或带区号的固定电话)"),
    QT_TRANSLATE_NOOP("Problems", "行政村{name}没有村委会位置: 贫困村和非贫困村都要采集"),
    QT_TRANSLATE_NOOP("Problems", "行政村{name}的村委会位置只有经度或纬度"),
    QT_TRANSLATE_NOOP("Problems", "行政村{name}的村委会位置没有注明来源"),
    QT_TRANSLATE_NOOP("Problems", "行政村{name}的村委会位置 ({latitude}, {longitude}) 不在中国境内"),
    QT_TRANSLATE_NOOP("Problems", "来源是村委会位置, 但与村委会相距 {distance}: 请重新取用村委会位置"),
    QT_TRANSLATE_NOOP("Problems", "{count} 户的位置在同一点 ({latitude}, {longitude}) 的 {radius} 米以内: 请核对是否照抄了位置(集中安置点请备注说明)"),
    QT_TRANSLATE_NOOP("Problems", "基本医保报销"),
    QT_TRANSLATE_NOOP("Problems", "大病保险报销"),
    QT_TRANSLATE_NOOP("Problems", "医疗救助"),
    QT_TRANSLATE_NOOP("Problems", "民政医疗救助"),
    QT_TRANSLATE_NOOP("Problems", "政府补助"),
    QT_TRANSLATE_NOOP("Problems", "{day}前的医疗救助应按“民政医疗救助”或“政府补助”填写"),
    QT_TRANSLATE_NOOP("Problems", "{day}起医保扶贫按三重保障运行，医疗救助应填入“医疗救助”"),
    QT_TRANSLATE_NOOP("Problems", "{who}在收入计算周期（{start}至{end}）内的医疗结算单显示接受了医疗救助，但“是否接受医疗救助”填的是“否”或未填，请改为“是”（导引第20问）。"),
    QT_TRANSLATE_NOOP("Problems", "{who}“是否接受医疗救助”填的是“是”，但收入计算周期（{start}至{end}）内的医疗结算单都没有医疗救助、民政医疗救助或政府补助，请核对（导引第20问）。"),
    QT_TRANSLATE_NOOP("Problems", "{who}{day}的医疗结算单填写了“{label}”，{advice}（导引第20问），请核对结算单。"),
    QT_TRANSLATE_NOOP("Problems", "{who}医疗结算单的{label}为负数（{amount}元），请核对。"),
    QT_TRANSLATE_NOOP("Problems", "边缘户"),
    QT_TRANSLATE_NOOP("Problems", "脱贫监测户"),
    QT_TRANSLATE_NOOP("Problems", "致贫风险"),
    QT_TRANSLATE_NOOP("Problems", "返贫风险"),
    QT_TRANSLATE_NOOP("Problems", "不愁吃"),
    QT_TRANSLATE_NOOP("Problems", "不愁穿"),
    QT_TRANSLATE_NOOP("Problems", "义务教育有保障"),
    QT_TRANSLATE_NOOP("Problems", "基本医疗有保障"),
    QT_TRANSLATE_NOOP("Problems", "住房安全有保障"),
    QT_TRANSLATE_NOOP("Problems", "饮水安全有保障"),
    QT_TRANSLATE_NOOP("Problems", "本县"),
    QT_TRANSLATE_NOOP("Problems", "一户不能同时是边缘户和脱贫监测户：边缘户只从一般农户中认定，脱贫监测户只从已脱贫户中认定（导引第6问）。"),
    QT_TRANSLATE_NOOP("Problems", "非建档立卡的一般农户"),
    QT_TRANSLATE_NOOP("Problems", "历年已脱贫户"),
    QT_TRANSLATE_NOOP("Problems", "{label}只从{source}中认定（导引第6问），本户的状态不符，请取消{label}标识或核对状态。"),
    QT_TRANSLATE_NOOP("Problems", "本户标记为{label}，但没有{year}年度人均纯收入，无法核对是否低于{line}元，请录入收入。"),
    QT_TRANSLATE_NOOP("Problems", "本户标记为{label}，但没有登记{risk}，请登记风险类型（导引第3、6问）。"),
    QT_TRANSLATE_NOOP("Problems", "按程序识别为贫困户"),
    QT_TRANSLATE_NOOP("Problems", "按程序返贫"),
    QT_TRANSLATE_NOOP("Problems", "{label}的“两不愁三保障”和收入都要达到脱贫标准，不是漏评和脱贫不实的缓冲地带（导引第6问）；本户{reasons}，请核实是否应当{should}。"),
    QT_TRANSLATE_NOOP("Problems", "本户登记了未消除的{risk}（{risk_type}），但没有标记为{kind}，请核对标识或风险记录。"),
    QT_TRANSLATE_NOOP("Problems", "{county}没有录入{base_year}年底建档立卡贫困人口总规模，无法核对边缘户和脱贫监测户的规模（不超过其{percent}，导引第6问），请录入。"),
    QT_TRANSLATE_NOOP("Problems", "本户标记为{label}，但{year}年度人均纯收入{per_capita}元不低于{line}元（导引第6问），请核对收入或取消{label}标识。"),
    QT_TRANSLATE_NOOP("Problems", "本户标记为{label}，但登记的是{kind}的{risk}（{risk_type}），请核对。"),
    QT_TRANSLATE_NOOP("Problems", "本户的{risk}都已消除，但人均纯收入{per_capita}元仍低于{line}元，请核对风险消除情况或{label}标识。"),
    QT_TRANSLATE_NOOP("Problems", "本户的{risk}（{risk_type}）没有登记认定主体和认定日期：边缘户和脱贫监测户由村两委和驻村工作队研究提出名单（导引第6问），请补录。"),
    QT_TRANSLATE_NOOP("Problems", "人均纯收入{per_capita}元低于脱贫标准{line}元"),
    QT_TRANSLATE_NOOP("Problems", "{county}边缘户和脱贫监测户共{total}人（边缘户{marginal}人、脱贫监测户{monitored}人），超过{base_year}年底建档立卡贫困人口{base_population}人的{percent}（{limit}人）{over}人，请县乡综合平衡（导引第6问）。"),
    QT_TRANSLATE_NOOP("Problems", "新识别只适用于一般农户(导引第5问)"),
    QT_TRANSLATE_NOOP("Problems", "返贫只适用于已脱贫户，含不享受政策的稳定脱贫户(导引第5、10问)"),
    QT_TRANSLATE_NOOP("Problems", "脱贫只适用于未脱贫的贫困户(导引第1问)"),
    QT_TRANSLATE_NOOP("Problems", "人员自然变更只适用于建档立卡户(导引第1、3问)"),
    QT_TRANSLATE_NOOP("Problems", "边缘户只从非建档立卡农户中认定(导引第6问)"),
    QT_TRANSLATE_NOOP("Problems", "脱贫监测户只从已脱贫户中认定(导引第6问)"),
    QT_TRANSLATE_NOOP("Problems", "解除监测只适用于在监测名单内的一般农户或已脱贫户(导引第6问)"),
    QT_TRANSLATE_NOOP("Problems", "{day}{hour}时{minute}分"),
    QT_TRANSLATE_NOOP("Problems", "{day}24时"),
    QT_TRANSLATE_NOOP("Problems", "内部标识"),
    QT_TRANSLATE_NOOP("Problems", "分散供养的特困供养户转集中供养，符合脱贫标准和程序的按照脱贫处理，不得进行{operation}操作(导引第17问)"),
    QT_TRANSLATE_NOOP("Problems", "{operation}操作只能在{year}年度动态管理工作期间({start}至{end})进行(导引第2问)"),
    QT_TRANSLATE_NOOP("Problems", "{deadline}后不能进行{operation}操作(导引第9问)"),
    QT_TRANSLATE_NOOP("Problems", "{day}后只能修改完善基础信息，不能进行{operation}操作(导引第9问)"),
    QT_TRANSLATE_NOOP("Problems", "人员自然变更原因代码 {reason} 不在代码表中"),
    QT_TRANSLATE_NOOP("Problems", "“{reason}”不是{operation}的原因"),
    QT_TRANSLATE_NOOP("Problems", "{status}不能进行{operation}操作：{rule}"),
    QT_TRANSLATE_NOOP("Problems", "{year}年新识别的贫困户当年不能脱贫(陕西省贫困退出工作实施细则)"),
    QT_TRANSLATE_NOOP("Problems", "户的状态不能由“{before}”直接改为“{after}”：状态只能通过新识别、返贫或脱贫操作改变(导引第1、5、10问)"),
    QT_TRANSLATE_NOOP("Problems", "办理了{operation}操作，但户的状态是“{status}”"),
    QT_TRANSLATE_NOOP("Problems", "户的状态由“{before}”改为“{after}”必须办理{operation}操作，不能直接修改状态"),
    QT_TRANSLATE_NOOP("Problems", "标记{word}必须办理{operation}操作(导引第6问)"),
    QT_TRANSLATE_NOOP("Problems", "本户有一项内部标识被修改，须由乡镇审核人员办理"),
    QT_TRANSLATE_NOOP("Problems", "取消{word}必须办理新识别、返贫或解除监测操作(导引第5、6问)"),
    QT_TRANSLATE_NOOP("Problems", "{operation}须由乡镇审核人员办理"),
    QT_TRANSLATE_NOOP("Problems", "此项操作须由乡镇审核人员办理"),
    QT_TRANSLATE_NOOP("Problems", "本户不需要办理此项操作"),
    QT_TRANSLATE_NOOP("Problems", "联系电话“{phone}”格式不正确，应为11位手机号码（如13812345678）或带区号的固定电话（如029-88886666），请核对。"),
    QT_TRANSLATE_NOOP("Problems", "联系电话为空，请填写11位手机号码或带区号的固定电话；确实没有电话请说明原因。"),
    QT_TRANSLATE_NOOP("Problems", "公务员"),
    QT_TRANSLATE_NOOP("Problems", "企事业单位人员"),
    QT_TRANSLATE_NOOP("Problems", "拥有车辆"),
    QT_TRANSLATE_NOOP("Problems", "拥有住房"),
    QT_TRANSLATE_NOOP("Problems", "企业法人"),
    QT_TRANSLATE_NOOP("Problems", "不通过"),
    QT_TRANSLATE_NOOP("Problems", "未通过"),
    QT_TRANSLATE_NOOP("Problems", "不予纳入"),
    QT_TRANSLATE_NOOP("Problems", "不同意"),
    QT_TRANSLATE_NOOP("Problems", "本户"),
    QT_TRANSLATE_NOOP("Problems", "本村"),
    QT_TRANSLATE_NOOP("Problems", "{subject}“{step}”"),
    QT_TRANSLATE_NOOP("Problems", "“{name}”"),
    QT_TRANSLATE_NOOP("Problems", "“{step}”"),
    QT_TRANSLATE_NOOP("Problems", "{name}没有填写开始日期，请补录。"),
    QT_TRANSLATE_NOOP("Problems", "{name}的结束日期{end}早于开始日期{start}，请核对日期。"),
    QT_TRANSLATE_NOOP("Problems", "{name}的日期不在{year}年度动态管理工作期间（{start}至{end}，导引第2问），请核对日期。"),
    QT_TRANSLATE_NOOP("Problems", "{name}的结果为“{outcome}”，程序不能继续。"),
    QT_TRANSLATE_NOOP("Problems", "之后"),
    QT_TRANSLATE_NOOP("Problems", "当天或之后"),
    QT_TRANSLATE_NOOP("Problems", "公告于{start}开始，{on}还不能办理{operation}。"),
    QT_TRANSLATE_NOOP("Problems", "本村今年没有新识别和返贫户，也要开展第二次评议和公示（导引第15问）：尚未登记{steps}。"),
    QT_TRANSLATE_NOOP("Problems", "{subject}“{step}”登记了{count}次，以开始日期最晚的一次（{day}）为准，请删除重复或作废的记录。"),
    QT_TRANSLATE_NOOP("Problems", "{name}从{start}到{end}共{days}天，每一次公示都不少于{least}天（两端都算，导引第16问），请延长公示或核对日期。"),
    QT_TRANSLATE_NOOP("Problems", "{name}在{end}才结束，各项程序性工作应在{due}前完成（导引第2问）。"),
    QT_TRANSLATE_NOOP("Problems", "{subject}“{step}”于{start}开始，应在“{before}”结束（{before_end}）{relation}开始，请核对日期。"),
    QT_TRANSLATE_NOOP("Problems", "{subject}程序步骤代码“{step}”不在代码表中。"),
    QT_TRANSLATE_NOOP("Problems", "未知人员"),
    QT_TRANSLATE_NOOP("Problems", "比对发现{who}为{flags}，须经第二次评议综合研判并登记结论，程序才能继续（导引第15问）。"),
    QT_TRANSLATE_NOOP("Problems", "没有登记{operation}程序（{steps}），程序完成前不能办理{operation}（导引第15、16问）。"),
    QT_TRANSLATE_NOOP("Problems", "{operation}程序尚未完成：缺少或未完成{steps}，程序完成前不能办理{operation}（导引第15、16问）。"),
    QT_TRANSLATE_NOOP("Problems", "比对发现{who}为{flags}，评议结论为不予纳入，本户不能完成新识别或返贫。"),
    QT_TRANSLATE_NOOP("Problems", "比对发现{who}为{flags}，评议结论为不予纳入，不应纳入建档立卡。"),
    QT_TRANSLATE_NOOP("Problems", "未填日期"),
    QT_TRANSLATE_NOOP("Problems", "{name}不是贫困村, 没有出列年度: 请先标为贫困村, 或清除出列年度"),
    QT_TRANSLATE_NOOP("Problems", "{name}的出列年度 {year} 应在 {first}—{last} 年之间"),
    QT_TRANSLATE_NOOP("Problems", "驻村工作队(单位)名称最多 {most} 个字, 现在 {length} 个字"),
    QT_TRANSLATE_NOOP("Problems", "{name}是未出列的贫困村, 还没有填写驻村工作队(单位)"),
    QT_TRANSLATE_NOOP("Problems", "{name}还没有注明是贫困村还是非贫困村"),
)


def _generate() -> str:  # pragma: no cover - a maintenance script
    lines = ['    QT_TRANSLATE_NOOP("Problems", "、"),']
    for template in domain_templates():
        quoted = template.replace("\\", "\\\\").replace('"', '\\"')
        lines.append(f'    QT_TRANSLATE_NOOP("Problems", "{quoted}"),')
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    import re
    import sys

    path = Path(__file__)
    source = path.read_text(encoding="utf-8")
    updated = re.sub(
        r"PROBLEM_TEXTS = \(\n.*?\n\)\n",
        lambda _m: "PROBLEM_TEXTS = (\n" + _generate() + "\n)\n",
        source,
        count=1,
        flags=re.S,
    )
    path.write_text(updated, encoding="utf-8")
    sys.stdout.write(f"{len(domain_templates()) + 1} texts in {path.name}\n")
