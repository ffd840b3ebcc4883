"""Code tables in the interface language.

The code tables (``resources/codes``) are Chinese, as the national system's are. In the interface
their labels go through Qt's translation in context ``Codes``: ``ui_code_table(name)`` is the
domain's table whose ``label`` speaks the interface language. ``CODE_LABELS`` lists every label
so that ``pyside6-lupdate`` finds them; regenerate it with ``python -m desktop.ui.code_labels``
when a code table changes (a test checks it is complete).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from desktop.domain.codes import code_table

CONTEXT = "Codes"


def tr_code_label(text: str) -> str:
    """A code table's label in the interface language."""
    return QCoreApplication.translate(CONTEXT, text) if text else text


class TranslatedCodeTable:
    """A code table whose ``label`` is translated; everything else is the domain's."""

    def __init__(self, table: Any) -> None:
        self._table = table

    def label(self, code: Any) -> str:
        return tr_code_label(self._table.label(code))

    def __contains__(self, code: object) -> bool:
        return code in self._table

    def __getattr__(self, name: str) -> Any:
        return getattr(self._table, name)


def ui_code_table(name: str) -> TranslatedCodeTable:
    """``desktop.domain.codes.code_table(name)`` with labels in the interface language."""
    return TranslatedCodeTable(code_table(name))


CODE_LABELS = (
    QT_TRANSLATE_NOOP("Codes", "产业扶贫"),
    QT_TRANSLATE_NOOP("Codes", "就业扶贫"),
    QT_TRANSLATE_NOOP("Codes", "易地扶贫搬迁"),
    QT_TRANSLATE_NOOP("Codes", "公益岗位"),
    QT_TRANSLATE_NOOP("Codes", "教育扶贫"),
    QT_TRANSLATE_NOOP("Codes", "健康扶贫"),
    QT_TRANSLATE_NOOP("Codes", "危房改造"),
    QT_TRANSLATE_NOOP("Codes", "金融扶贫"),
    QT_TRANSLATE_NOOP("Codes", "生活条件改善"),
    QT_TRANSLATE_NOOP("Codes", "综合保障"),
    QT_TRANSLATE_NOOP("Codes", "生态扶贫"),
    QT_TRANSLATE_NOOP("Codes", "其他"),
    QT_TRANSLATE_NOOP("Codes", "一般贫困户"),
    QT_TRANSLATE_NOOP("Codes", "低保贫困户"),
    QT_TRANSLATE_NOOP("Codes", "特困供养贫困户"),
    QT_TRANSLATE_NOOP("Codes", "视力残疾"),
    QT_TRANSLATE_NOOP("Codes", "听力残疾"),
    QT_TRANSLATE_NOOP("Codes", "言语残疾"),
    QT_TRANSLATE_NOOP("Codes", "肢体残疾"),
    QT_TRANSLATE_NOOP("Codes", "智力残疾"),
    QT_TRANSLATE_NOOP("Codes", "精神残疾"),
    QT_TRANSLATE_NOOP("Codes", "多重残疾"),
    QT_TRANSLATE_NOOP("Codes", "文盲或半文盲"),
    QT_TRANSLATE_NOOP("Codes", "小学"),
    QT_TRANSLATE_NOOP("Codes", "初中"),
    QT_TRANSLATE_NOOP("Codes", "高中"),
    QT_TRANSLATE_NOOP("Codes", "大专及以上"),
    QT_TRANSLATE_NOOP("Codes", "学龄前儿童"),
    QT_TRANSLATE_NOOP("Codes", "汉族"),
    QT_TRANSLATE_NOOP("Codes", "蒙古族"),
    QT_TRANSLATE_NOOP("Codes", "回族"),
    QT_TRANSLATE_NOOP("Codes", "藏族"),
    QT_TRANSLATE_NOOP("Codes", "维吾尔族"),
    QT_TRANSLATE_NOOP("Codes", "苗族"),
    QT_TRANSLATE_NOOP("Codes", "彝族"),
    QT_TRANSLATE_NOOP("Codes", "壮族"),
    QT_TRANSLATE_NOOP("Codes", "布依族"),
    QT_TRANSLATE_NOOP("Codes", "朝鲜族"),
    QT_TRANSLATE_NOOP("Codes", "满族"),
    QT_TRANSLATE_NOOP("Codes", "侗族"),
    QT_TRANSLATE_NOOP("Codes", "瑶族"),
    QT_TRANSLATE_NOOP("Codes", "白族"),
    QT_TRANSLATE_NOOP("Codes", "土家族"),
    QT_TRANSLATE_NOOP("Codes", "哈尼族"),
    QT_TRANSLATE_NOOP("Codes", "哈萨克族"),
    QT_TRANSLATE_NOOP("Codes", "傣族"),
    QT_TRANSLATE_NOOP("Codes", "黎族"),
    QT_TRANSLATE_NOOP("Codes", "傈僳族"),
    QT_TRANSLATE_NOOP("Codes", "佤族"),
    QT_TRANSLATE_NOOP("Codes", "畲族"),
    QT_TRANSLATE_NOOP("Codes", "高山族"),
    QT_TRANSLATE_NOOP("Codes", "拉祜族"),
    QT_TRANSLATE_NOOP("Codes", "水族"),
    QT_TRANSLATE_NOOP("Codes", "东乡族"),
    QT_TRANSLATE_NOOP("Codes", "纳西族"),
    QT_TRANSLATE_NOOP("Codes", "景颇族"),
    QT_TRANSLATE_NOOP("Codes", "柯尔克孜族"),
    QT_TRANSLATE_NOOP("Codes", "土族"),
    QT_TRANSLATE_NOOP("Codes", "达斡尔族"),
    QT_TRANSLATE_NOOP("Codes", "仫佬族"),
    QT_TRANSLATE_NOOP("Codes", "羌族"),
    QT_TRANSLATE_NOOP("Codes", "布朗族"),
    QT_TRANSLATE_NOOP("Codes", "撒拉族"),
    QT_TRANSLATE_NOOP("Codes", "毛南族"),
    QT_TRANSLATE_NOOP("Codes", "仡佬族"),
    QT_TRANSLATE_NOOP("Codes", "锡伯族"),
    QT_TRANSLATE_NOOP("Codes", "阿昌族"),
    QT_TRANSLATE_NOOP("Codes", "普米族"),
    QT_TRANSLATE_NOOP("Codes", "塔吉克族"),
    QT_TRANSLATE_NOOP("Codes", "怒族"),
    QT_TRANSLATE_NOOP("Codes", "乌孜别克族"),
    QT_TRANSLATE_NOOP("Codes", "俄罗斯族"),
    QT_TRANSLATE_NOOP("Codes", "鄂温克族"),
    QT_TRANSLATE_NOOP("Codes", "德昂族"),
    QT_TRANSLATE_NOOP("Codes", "保安族"),
    QT_TRANSLATE_NOOP("Codes", "裕固族"),
    QT_TRANSLATE_NOOP("Codes", "京族"),
    QT_TRANSLATE_NOOP("Codes", "塔塔尔族"),
    QT_TRANSLATE_NOOP("Codes", "独龙族"),
    QT_TRANSLATE_NOOP("Codes", "鄂伦春族"),
    QT_TRANSLATE_NOOP("Codes", "赫哲族"),
    QT_TRANSLATE_NOOP("Codes", "门巴族"),
    QT_TRANSLATE_NOOP("Codes", "珞巴族"),
    QT_TRANSLATE_NOOP("Codes", "基诺族"),
    QT_TRANSLATE_NOOP("Codes", "柴草"),
    QT_TRANSLATE_NOOP("Codes", "干畜粪"),
    QT_TRANSLATE_NOOP("Codes", "煤炭"),
    QT_TRANSLATE_NOOP("Codes", "清洁能源"),
    QT_TRANSLATE_NOOP("Codes", "健康"),
    QT_TRANSLATE_NOOP("Codes", "长期慢性病"),
    QT_TRANSLATE_NOOP("Codes", "患有大病"),
    QT_TRANSLATE_NOOP("Codes", "残疾"),
    QT_TRANSLATE_NOOP("Codes", "A级"),
    QT_TRANSLATE_NOOP("Codes", "B级"),
    QT_TRANSLATE_NOOP("Codes", "C级"),
    QT_TRANSLATE_NOOP("Codes", "D级"),
    QT_TRANSLATE_NOOP("Codes", "身份证"),
    QT_TRANSLATE_NOOP("Codes", "残疾人证"),
    QT_TRANSLATE_NOOP("Codes", "国家标准"),
    QT_TRANSLATE_NOOP("Codes", "省定标准"),
    QT_TRANSLATE_NOOP("Codes", "市定标准"),
    QT_TRANSLATE_NOOP("Codes", "本地务工收入"),
    QT_TRANSLATE_NOOP("Codes", "外出务工收入"),
    QT_TRANSLATE_NOOP("Codes", "公益岗位收入"),
    QT_TRANSLATE_NOOP("Codes", "种植业"),
    QT_TRANSLATE_NOOP("Codes", "养殖业"),
    QT_TRANSLATE_NOOP("Codes", "林果业"),
    QT_TRANSLATE_NOOP("Codes", "其他生产经营"),
    QT_TRANSLATE_NOOP("Codes", "资产收益扶贫分红"),
    QT_TRANSLATE_NOOP("Codes", "土地流转收入"),
    QT_TRANSLATE_NOOP("Codes", "其他财产性收入"),
    QT_TRANSLATE_NOOP("Codes", "计划生育金"),
    QT_TRANSLATE_NOOP("Codes", "低保金"),
    QT_TRANSLATE_NOOP("Codes", "特困供养金"),
    QT_TRANSLATE_NOOP("Codes", "养老保险金"),
    QT_TRANSLATE_NOOP("Codes", "生态补偿金"),
    QT_TRANSLATE_NOOP("Codes", "其他转移性收入"),
    QT_TRANSLATE_NOOP("Codes", "种植业支出"),
    QT_TRANSLATE_NOOP("Codes", "养殖业支出"),
    QT_TRANSLATE_NOOP("Codes", "其他生产经营支出"),
    QT_TRANSLATE_NOOP("Codes", "普通劳动力"),
    QT_TRANSLATE_NOOP("Codes", "技能劳动力"),
    QT_TRANSLATE_NOOP("Codes", "丧失劳动力"),
    QT_TRANSLATE_NOOP("Codes", "无劳动力"),
    QT_TRANSLATE_NOOP("Codes", "弱劳动力或半劳动力"),
    QT_TRANSLATE_NOOP("Codes", "死亡"),
    QT_TRANSLATE_NOOP("Codes", "嫁出"),
    QT_TRANSLATE_NOOP("Codes", "出国定居"),
    QT_TRANSLATE_NOOP("Codes", "判刑收监"),
    QT_TRANSLATE_NOOP("Codes", "嫁入"),
    QT_TRANSLATE_NOOP("Codes", "新生儿"),
    QT_TRANSLATE_NOOP("Codes", "其他转入"),
    QT_TRANSLATE_NOOP("Codes", "其他转出"),
    QT_TRANSLATE_NOOP("Codes", "新识别"),
    QT_TRANSLATE_NOOP("Codes", "返贫"),
    QT_TRANSLATE_NOOP("Codes", "脱贫"),
    QT_TRANSLATE_NOOP("Codes", "自然增加"),
    QT_TRANSLATE_NOOP("Codes", "自然减少"),
    QT_TRANSLATE_NOOP("Codes", "标记边缘户"),
    QT_TRANSLATE_NOOP("Codes", "标记脱贫监测户"),
    QT_TRANSLATE_NOOP("Codes", "解除监测"),
    QT_TRANSLATE_NOOP("Codes", "中共党员"),
    QT_TRANSLATE_NOOP("Codes", "中共预备党员"),
    QT_TRANSLATE_NOOP("Codes", "共青团员"),
    QT_TRANSLATE_NOOP("Codes", "民革党员"),
    QT_TRANSLATE_NOOP("Codes", "民盟盟员"),
    QT_TRANSLATE_NOOP("Codes", "民建会员"),
    QT_TRANSLATE_NOOP("Codes", "民进会员"),
    QT_TRANSLATE_NOOP("Codes", "农工党党员"),
    QT_TRANSLATE_NOOP("Codes", "致公党党员"),
    QT_TRANSLATE_NOOP("Codes", "九三学社社员"),
    QT_TRANSLATE_NOOP("Codes", "台盟盟员"),
    QT_TRANSLATE_NOOP("Codes", "无党派民主人士"),
    QT_TRANSLATE_NOOP("Codes", "群众"),
    QT_TRANSLATE_NOOP("Codes", "因病"),
    QT_TRANSLATE_NOOP("Codes", "因残"),
    QT_TRANSLATE_NOOP("Codes", "因学"),
    QT_TRANSLATE_NOOP("Codes", "因灾"),
    QT_TRANSLATE_NOOP("Codes", "缺土地"),
    QT_TRANSLATE_NOOP("Codes", "缺水"),
    QT_TRANSLATE_NOOP("Codes", "缺技术"),
    QT_TRANSLATE_NOOP("Codes", "缺劳动力"),
    QT_TRANSLATE_NOOP("Codes", "缺资金"),
    QT_TRANSLATE_NOOP("Codes", "交通条件落后"),
    QT_TRANSLATE_NOOP("Codes", "自身发展动力不足"),
    QT_TRANSLATE_NOOP("Codes", "因婚"),
    QT_TRANSLATE_NOOP("Codes", "民主评议"),
    QT_TRANSLATE_NOOP("Codes", "第一次公示"),
    QT_TRANSLATE_NOOP("Codes", "比对"),
    QT_TRANSLATE_NOOP("Codes", "第二次评议"),
    QT_TRANSLATE_NOOP("Codes", "第二次公示"),
    QT_TRANSLATE_NOOP("Codes", "公告"),
    QT_TRANSLATE_NOOP("Codes", "户主"),
    QT_TRANSLATE_NOOP("Codes", "配偶"),
    QT_TRANSLATE_NOOP("Codes", "之子"),
    QT_TRANSLATE_NOOP("Codes", "之女"),
    QT_TRANSLATE_NOOP("Codes", "之儿媳"),
    QT_TRANSLATE_NOOP("Codes", "之女婿"),
    QT_TRANSLATE_NOOP("Codes", "之孙子"),
    QT_TRANSLATE_NOOP("Codes", "之孙女"),
    QT_TRANSLATE_NOOP("Codes", "之外孙子"),
    QT_TRANSLATE_NOOP("Codes", "之外孙女"),
    QT_TRANSLATE_NOOP("Codes", "之父"),
    QT_TRANSLATE_NOOP("Codes", "之母"),
    QT_TRANSLATE_NOOP("Codes", "之岳父"),
    QT_TRANSLATE_NOOP("Codes", "之岳母"),
    QT_TRANSLATE_NOOP("Codes", "之公公"),
    QT_TRANSLATE_NOOP("Codes", "之婆婆"),
    QT_TRANSLATE_NOOP("Codes", "之祖父"),
    QT_TRANSLATE_NOOP("Codes", "之祖母"),
    QT_TRANSLATE_NOOP("Codes", "之外祖父"),
    QT_TRANSLATE_NOOP("Codes", "之外祖母"),
    QT_TRANSLATE_NOOP("Codes", "行政区(村)整体搬迁"),
    QT_TRANSLATE_NOOP("Codes", "自然村(村民小组)整体搬迁"),
    QT_TRANSLATE_NOOP("Codes", "建档立卡贫困户个别搬迁"),
    QT_TRANSLATE_NOOP("Codes", "集中安置"),
    QT_TRANSLATE_NOOP("Codes", "分散安置"),
    QT_TRANSLATE_NOOP("Codes", "县城"),
    QT_TRANSLATE_NOOP("Codes", "乡镇"),
    QT_TRANSLATE_NOOP("Codes", "县外"),
    QT_TRANSLATE_NOOP("Codes", "村外"),
    QT_TRANSLATE_NOOP("Codes", "村内"),
    QT_TRANSLATE_NOOP("Codes", "产业扶贫失败"),
    QT_TRANSLATE_NOOP("Codes", "村两委"),
    QT_TRANSLATE_NOOP("Codes", "驻村工作队"),
    QT_TRANSLATE_NOOP("Codes", "县级"),
    QT_TRANSLATE_NOOP("Codes", "产业项目失败"),
    QT_TRANSLATE_NOOP("Codes", "务工就业不稳定"),
    QT_TRANSLATE_NOOP("Codes", "泥土路"),
    QT_TRANSLATE_NOOP("Codes", "砂石路"),
    QT_TRANSLATE_NOOP("Codes", "水泥路"),
    QT_TRANSLATE_NOOP("Codes", "沥青路"),
    QT_TRANSLATE_NOOP("Codes", "非在校生"),
    QT_TRANSLATE_NOOP("Codes", "学前教育"),
    QT_TRANSLATE_NOOP("Codes", "七年级"),
    QT_TRANSLATE_NOOP("Codes", "八年级"),
    QT_TRANSLATE_NOOP("Codes", "九年级"),
    QT_TRANSLATE_NOOP("Codes", "高中一年级"),
    QT_TRANSLATE_NOOP("Codes", "高中二年级"),
    QT_TRANSLATE_NOOP("Codes", "高中三年级"),
    QT_TRANSLATE_NOOP("Codes", "中职一年级"),
    QT_TRANSLATE_NOOP("Codes", "中职二年级"),
    QT_TRANSLATE_NOOP("Codes", "中职三年级"),
    QT_TRANSLATE_NOOP("Codes", "高职一年级"),
    QT_TRANSLATE_NOOP("Codes", "高职二年级"),
    QT_TRANSLATE_NOOP("Codes", "高职三年级"),
    QT_TRANSLATE_NOOP("Codes", "男"),
    QT_TRANSLATE_NOOP("Codes", "女"),
    QT_TRANSLATE_NOOP("Codes", "分散供养"),
    QT_TRANSLATE_NOOP("Codes", "集中供养"),
    QT_TRANSLATE_NOOP("Codes", "贫困户(未脱贫)"),
    QT_TRANSLATE_NOOP("Codes", "已脱贫(享受政策)"),
    QT_TRANSLATE_NOOP("Codes", "已脱贫(不享受政策)"),
    QT_TRANSLATE_NOOP("Codes", "一般农户"),
    QT_TRANSLATE_NOOP("Codes", "中央"),
    QT_TRANSLATE_NOOP("Codes", "省"),
    QT_TRANSLATE_NOOP("Codes", "市"),
    QT_TRANSLATE_NOOP("Codes", "县"),
    QT_TRANSLATE_NOOP("Codes", "部队"),
    QT_TRANSLATE_NOOP("Codes", "乡(镇)内"),
    QT_TRANSLATE_NOOP("Codes", "乡(镇)外县内"),
    QT_TRANSLATE_NOOP("Codes", "县外省内"),
    QT_TRANSLATE_NOOP("Codes", "省外"),
)


def _generate() -> str:  # pragma: no cover - a maintenance script
    import json

    from desktop.domain.resources import resource_path

    seen: list[str] = []
    for path in sorted(resource_path("codes").glob("*.json")):
        for entry in json.loads(path.read_text(encoding="utf-8"))["codes"]:
            if entry["label"] not in seen:
                seen.append(entry["label"])
    return "\n".join(f'    QT_TRANSLATE_NOOP("Codes", "{label}"),' for label in seen)


if __name__ == "__main__":  # pragma: no cover
    print(_generate())
