"""A deterministic demo county: a realistic Shaanxi registry to try, train and measure with.

``DemoCounty(add, households=…, seed=…).build()`` makes up one county
(略阳县, Hanzhong, a national poverty county; division code 610727) as it stood on the 2019
snapshot date: townships, administrative villages (poor and non-poor, Q18) with their
committees' coordinates, hamlets (组), and households with their members, 2019 incomes,
production and living conditions, two assurances three guarantees, assistance measures since
2014, assistance persons, the risks of marginal and monitored households (Q6), GPS points and
the villages' 2019 procedure records (Q15, Q16). About 1 % of the families are away long-term
(Q19): they are located at their village committee, with a note and a contact.

Everything comes from ``random.Random(seed)`` and the policy year's dates, never from the clock
or the global random state, and the row ids are UUIDv7s minted from the seed too: the same
``(households, seed)`` builds the same rows, id for id. The data passes the whole audit
(``desktop.store.audit.audit_database``: every rule, core and guide) without errors, and without
warnings under the 2019 policy: valid IDs that agree with birth date and sex, one head per
household, relations that agree with sex and age, incomes inside what each status needs
(marginal and monitored households under the policy's line, exited households over the exit
line), marginal households meeting the exit standard on 两不愁三保障 and safe water (Q6), and a
complete procedure for every household identified or exited in 2019: its village holds the
steps for all of them (identification: appraisal, first notice, cross-check, second appraisal,
second notice, announcement; exit: appraisal, notice, announcement), and every village holds
its second appraisal and second notice even without new households (Q15).

The county code and the town names are real; township and village codes are synthetic, in the
GB/T 10114 ranges (towns 1xx, 乡 2xx, village committees from 2xx). Each row is handed to
``add(model, values)``; ``desktop.store.demo`` loads them into a database.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Generic, TypeVar

from desktop.domain import procedure
from desktop.domain.codes import code_table
from desktop.domain.idcard import FEMALE, MALE, make_disability_number, make_id_number
from desktop.domain.income import per_capita_net_income
from desktop.domain.operations import Operation
from desktop.domain.policy import PolicyYear
from desktop.store.models import (
    AssistanceMeasure,
    AssistancePerson,
    Division,
    Household,
    Income,
    IncomeItem,
    Member,
    ProcedureStep,
    Risk,
)

T = TypeVar("T")

POLICY_YEAR = 2019
FIRST_REGISTRATION_YEAR = 2014
HOUSEHOLDS_PER_VILLAGE = 300
VILLAGES_PER_TOWNSHIP = 10


def _words(text: str) -> tuple[str, ...]:
    """The space-separated words of ``text``."""
    return tuple(text.split())


class Weighted(Generic[T]):
    """A weighted choice that costs one ``rng.random()`` and a bisect."""

    __slots__ = ("items", "cumulative", "total")

    def __init__(self, pairs: Sequence[tuple[T, float]]) -> None:
        self.items = [item for item, _ in pairs]
        self.cumulative = list(itertools.accumulate(weight for _, weight in pairs))
        self.total = self.cumulative[-1]

    def __call__(self, rng: random.Random) -> T:
        return self.items[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


# --- the county ---------------------------------------------------------------------------------

PROVINCE = "陕西省"
CITY = "汉中市"
COUNTY_NAME = "略阳县"
REGION_CODE = "610727"  # GB/T 2260: 略阳县, Hanzhong, Shaanxi
COUNTY_CODE = REGION_CODE + "000000"
COUNTY_SEAT = (33.3297, 106.1569)  # 兴州街道
# The county spans 33°07′–33°42′ N, 105°39′–106°33′ E; villages stay well inside it.
VILLAGE_RADIUS_KM = 22.0
LATITUDE_RANGE = (33.15, 33.65)
LONGITUDE_RANGE = (105.80, 106.50)
HOUSEHOLD_RADIUS_M = 1500.0

# The county's towns (镇), codes synthetic in the 1xx range; a bigger demo adds 乡 with 2xx codes.
TOWNS = _words(
    "接官亭镇 西淮坝镇 两河口镇 金家河镇 徐家坪镇 白水江镇 硖口驿镇 马蹄湾镇 "
    "乐素河镇 郭镇 黑河镇 白雀寺镇 五龙洞镇 观音寺镇 仙台坝镇 何家岩镇"
)
EXTRA_TOWNSHIP_PREFIXES = _words("青龙 石门 柳林 桃园 龙潭 金山 松坪 红岩 杨坝 大河 铁佛 三官")
VILLAGE_PREFIXES = _words(
    "石 柳树 白杨 青冈 黄土 马鞍 龙王 桃园 枣园 松林 红岩 黑山 金星 大 小 上 下 东 西 南 北 "
    "新 中 前 后 王家 张家 李家 何家 苏家 杨家 刘家 陈家 赵家 罗家 郭家 田家 梁家 向阳 胜利 "
    "核桃 茶园 水磨 窑 庙 铜钱 骆驼 凤凰"
)
VILLAGE_SUFFIXES = _words("坪 沟 坝 河 湾 岭 梁 坡 岩 庄 营 寨 院 垭 山 口")
HAMLET_NUMERALS = "一二三四五六七八九十"

# --- people -------------------------------------------------------------------------------------

# Common surnames with their rough national frequency (per cent), and a few common in Shaanxi.
SURNAMES = Weighted(
    [
        (entry[0], float(entry[1:]))
        for entry in _words(
            "王7.1 李7.0 张6.8 刘5.4 陈4.6 杨3.1 赵2.3 黄2.2 周2.1 吴2.0 徐1.7 孙1.5 胡1.3 "
            "朱1.3 高1.3 林1.2 何1.2 郭1.2 马1.1 罗0.9 梁0.8 宋0.8 郑0.8 谢0.7 韩0.7 唐0.7 "
            "冯0.7 于0.6 董0.6 肖0.6 程0.6 曹0.6 袁0.5 邓0.5 许0.5 傅0.5 沈0.5 曾0.5 彭0.5 "
            "吕0.5 苏0.5 卢0.5 蒋0.5 蔡0.5 贾0.4 丁0.4 魏0.4 薛0.4 叶0.4 阎0.4 余0.4 潘0.4 "
            "杜0.4 戴0.3 夏0.3 钟0.3 汪0.3 田0.3 任0.3 姜0.3 范0.3 方0.3 石0.3 姚0.3 谭0.3 "
            "廖0.3 邹0.3 熊0.3 金0.3 陆0.3 郝0.3 孔0.2 白0.2 崔0.2 康0.2 毛0.2 邱0.2 秦0.2 "
            "江0.2 史0.2 顾0.2 侯0.2 邵0.2 孟0.2 龙0.2 万0.2 段0.2 雷0.2 钱0.2 汤0.2 尹0.2 "
            "易0.1 常0.1 武0.1 乔0.1 贺0.1 文0.1 党0.1 屈0.1"
        )
    ]
)

# Given names by sex and generation (born before 1960, 1960–1989, from 1990): mostly two
# characters, some one.
GIVEN_NAMES: dict[tuple[str, int], tuple[str, ...]] = {
    (MALE, 0): _words(
        "建国 国强 福贵 德明 长生 永福 金山 有才 保国 学文 春生 海林 全德 根生 万福 玉林 天喜 "
        "富贵 庆华 振华 德胜 文华 新民 治国 忠良 双喜 来福 宝山 世昌 德旺 山 林 福"
    ),
    (MALE, 1): _words(
        "建军 国华 卫东 志强 建平 海军 红军 小军 建华 俊峰 志刚 宏伟 永红 明辉 立新 文斌 新华 "
        "建林 亚军 晓东 利军 东升 志勇 伟 强 勇 军 斌 涛 刚"
    ),
    (MALE, 2): _words(
        "子轩 浩然 博文 俊杰 晨阳 一鸣 子豪 宇航 嘉豪 天宇 泽宇 家乐 思远 子健 明轩 皓轩 建宇 "
        "旭东 文博 志豪 俊熙 博涛 宇 浩 鹏 磊 睿 鑫 凯"
    ),
    (FEMALE, 0): _words(
        "秀英 桂英 秀兰 玉兰 凤英 桂兰 秀珍 翠花 玉珍 淑珍 秀芳 桂芳 金凤 玉梅 彩霞 兰英 素珍 "
        "莲英 凤兰 菊花 春花 秀云 爱英 桂花 玉芝 秀梅 冬梅 月娥 巧云 玉凤 英 兰"
    ),
    (FEMALE, 1): _words(
        "红梅 丽娟 海燕 春燕 小红 小燕 丽华 红霞 艳红 秀丽 晓燕 雪梅 春梅 丽萍 玉霞 亚丽 晓丽 "
        "建英 翠萍 小芳 彩琴 丽 娟 燕 艳 静 敏 芳 琴 丹"
    ),
    (FEMALE, 2): _words(
        "欣怡 梓涵 雨涵 思雨 佳怡 诗琪 雨萱 子涵 欣悦 梦瑶 佳琪 可欣 婉婷 晶晶 丹丹 文静 雅琪 "
        "思琪 紫涵 心怡 欣然 雨彤 媛媛 佳欣 美琪 一诺 婷 雪 悦 璐"
    ),
}

MOBILE_PREFIXES = _words(
    "130 131 132 133 135 136 137 138 139 150 151 152 153 155 156 157 158 159 166 173 175 176 "
    "177 180 181 182 183 185 186 187 188 189 191 198 199"
)

HOUSEHOLD_SIZES = {
    True: Weighted(((1, 15), (2, 24), (3, 20), (4, 19), (5, 12), (6, 6), (7, 3), (8, 1))),
    False: Weighted(((1, 7), (2, 18), (3, 22), (4, 24), (5, 15), (6, 8), (7, 4), (8, 2))),
}
HEAD_AGES = {  # (youngest, oldest) of the head of a household of two or more, by registration
    True: Weighted(
        (
            ((25, 34), 8),
            ((35, 44), 15),
            ((45, 54), 25),
            ((55, 64), 25),
            ((65, 74), 18),
            ((75, 85), 9),
        )
    ),
    False: Weighted(
        (
            ((25, 34), 14),
            ((35, 44), 22),
            ((45, 54), 28),
            ((55, 64), 20),
            ((65, 74), 12),
            ((75, 85), 4),
        )
    ),
}
DISABILITY_CATEGORY = Weighted(((1, 12), (2, 14), (3, 2), (4, 45), (5, 9), (6, 8), (7, 10)))
DISABILITY_GRADE = Weighted(((1, 8), (2, 20), (3, 32), (4, 40)))
EDUCATION_BY_BIRTH = (  # (born before, education of adults not in school)
    (1950, Weighted((("01", 40), ("02", 45), ("03", 15)))),
    (1970, Weighted((("01", 10), ("02", 40), ("03", 40), ("04", 10)))),
    (1990, Weighted((("01", 3), ("02", 22), ("03", 55), ("04", 15), ("05", 5)))),
    (9999, Weighted((("02", 5), ("03", 45), ("04", 30), ("05", 20)))),
)
ETHNICITY = Weighted((("01", 0.992), ("03", 0.005), ("11", 0.002), ("04", 0.001)))
STATUS_OF_REGISTERED = Weighted((("poor", 0.07), ("exited", 0.70), ("exited_stable", 0.23)))
IDENTIFIED_YEAR = Weighted(((2014, 70), (2015, 8), (2016, 8), (2017, 6), (2018, 5), (2019, 3)))
VILLAGE_EXIT_YEAR = Weighted(((2017, 15), (2018, 35), (2019, 30), (None, 20)))
OTHER_CAUSE_COUNT = Weighted(((0, 35), (1, 40), (2, 25)))
ROAD_TYPE = Weighted((("03", 75), ("02", 15), ("01", 5), ("04", 5)))
FUEL_TYPE = Weighted((("01", 45), ("03", 10), ("04", 43), ("05", 2)))

# --- work, income, assistance --------------------------------------------------------------------

WORK_PLACE = Weighted((("01", 18), ("02", 22), ("03", 30), ("04", 30)))
MONTHLY_WAGE = {"01": (1500, 2100), "02": (1900, 2700), "03": (2700, 3700), "04": (3300, 4600)}
EMPLOYERS = {
    "01": ("本村茶园", "镇上农家乐", "村集体合作社"),
    "02": ("县城建筑工地", "略阳钢铁厂", "县城物流园"),
    "03": ("西安建筑工地", "汉中勉县钢厂", "宝鸡物流公司", "西安餐饮店"),
    "04": ("江苏昆山电子厂", "浙江宁波建筑工地", "广东东莞制衣厂", "四川成都餐饮店"),
}
# Yearly amounts of the transfers (demo figures of the right size, not policy).
PENSION_PER_YEAR = 1776  # 城乡居民基础养老金, 148 yuan a month
SPECIAL_SUPPORT_PER_YEAR = 5400  # 特困供养金, dispersed support
ECOLOGICAL_PER_RETURNED_MU = 160  # 退耕还林补助
ECOLOGICAL_PER_FOREST_MU = 15  # 公益林补偿
FARMLAND_SUBSIDY_PER_MU = 70  # 耕地地力保护补贴
OLD_AGE_SUBSIDY = 600  # 高龄补贴, 80 and older
DISABILITY_SUBSIDY = 840  # 残疾人两项补贴
FAMILY_PLANNING_PER_PARENT = 960  # 计划生育奖励扶助金, parents of 60 and older

UNITS: tuple[tuple[str, str], ...] = (
    ("略阳县扶贫开发局", "04"),
    ("略阳县农业农村局", "04"),
    ("略阳县教育体育局", "04"),
    ("略阳县卫生健康局", "04"),
    ("略阳县交通运输局", "04"),
    ("略阳县水利局", "04"),
    ("略阳县林业局", "04"),
    ("略阳县财政局", "04"),
    ("略阳县人民医院", "04"),
    ("略阳县市场监督管理局", "04"),
    ("汉中市住房和城乡建设局", "03"),
    ("汉中市生态环境局", "03"),
    ("陕西省林业局", "02"),
    ("中国农业银行略阳县支行", "07"),
)
POSITIONS = ("科员", "副主任科员", "干部", "副局长", "驻村第一书记", "工作队员", "办公室主任")
BANKS = ("略阳县农村信用合作联社", "中国邮政储蓄银行略阳县支行", "中国农业银行略阳县支行")
DEPARTMENTS = {
    "01": "略阳县农业农村局",
    "02": "略阳县人力资源和社会保障局",
    "03": "略阳县发展和改革局",
    "04": "略阳县林业局",
    "05": "略阳县教育体育局",
    "06": "略阳县医疗保障局",
    "07": "略阳县住房和城乡建设局",
    "08": "略阳县扶贫开发局",
    "09": "略阳县水利局",
    "10": "略阳县民政局",
    "13": "略阳县林业局",
    "14": "略阳县扶贫开发局",
}
ONE_OFF_MEASURES = (("0701", 20000), ("0801", 50000), ("0902", 1500), ("0903", 1200))
AWAY_NOTES = (
    "整户长期在外务工,原住房已拆除",
    "整户长期在外务工,原住房已拆除,租住务工地",
    "整户随子女在外务工,原住房为危房已拆除",
)
PROCEDURE_OUTCOMES = {
    "appraisal": "村民代表大会民主评议通过",
    "first_notice": "公示期内无异议",
    "crosscheck": "比对无异常",
    "second_appraisal": "第二次评议通过",
    "second_notice": "公示期内无异议",
    "announcement": "乡镇审核、县级审定后公告",
}
OTHER_RISKS = (
    ("07", "务工就业不稳定,收入波动大"),
    ("04", "今年受灾,收入下降"),
    ("06", "产业项目收益不稳定"),
)


# --- small deterministic helpers -----------------------------------------------------------------


class SeededIds:
    """UUIDv7 text ids from a seed: time-ordered from a fixed moment, random bits from the seed."""

    def __init__(self, seed: int, start: datetime) -> None:
        self._bits = random.Random(f"fieldbook-demo-ids-{seed}").getrandbits
        self._base_ms = int(start.replace(tzinfo=UTC).timestamp() * 1000)
        self._count = 0

    def __call__(self) -> str:
        n = self._count
        self._count = n + 1
        value = ((self._base_ms + (n >> 12)) & 0xFFFF_FFFF_FFFF) << 80
        value |= (0x7000 | (n & 0xFFF)) << 64  # version 7, 12 bits of sequence
        value |= (0b10 << 62) | self._bits(62)  # RFC 4122 variant, 62 random bits
        h = f"{value:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


@dataclass(frozen=True, slots=True)
class _Figures:
    """The income components the domain's formula reads."""

    wage_income: Decimal
    business_income: Decimal
    property_income: Decimal
    transfer_income: Decimal
    production_costs: Decimal


@dataclass
class DemoSummary:
    """What ``build_demo_county`` built, and how long it took."""

    county_code: str
    county_name: str
    seed: int
    townships: int = 0
    villages: int = 0
    poor_villages: int = 0
    hamlets: int = 0
    households: int = 0
    members: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    marginal: int = 0
    monitored: int = 0
    away_long_term: int = 0
    assistance_persons: int = 0
    rows: int = 0
    elapsed_seconds: float = 0.0

    @property
    def households_per_second(self) -> float:
        """Build speed."""
        return self.households / self.elapsed_seconds if self.elapsed_seconds else 0.0


@dataclass(slots=True)
class _Person:
    """One member while the household is being made up."""

    relation: str
    sex: str
    age: int
    surname: str
    birth: date = date.min
    name: str = ""
    health: list[str] = field(default_factory=list)
    disability: tuple[int, int] | None = None
    school_status: str = "01"
    education: str = "03"
    labour: str = "04"
    work_months: int = 0
    work_place: str | None = None
    wage_rate: int = 0
    student_level: str | None = None  # compulsory | high | vocational | college

    @property
    def ill(self) -> bool:
        return "02" in self.health or "03" in self.health


@dataclass(slots=True)
class _Plan:
    """A household planned before its rows are written (flags are picked per village)."""

    status: str
    people: list[_Person]
    away: bool
    identified: int | None
    exited_year: int | None
    attribute: str | None  # 贫困户属性 of a registered household
    main_cause: str | None
    other_causes: list[str]
    marginal: bool = False
    monitored: bool = False


@dataclass(slots=True)
class _Village:
    id: str
    code: str
    name: str
    township_name: str
    poor: bool
    latitude: float
    longitude: float
    hamlets: list[tuple[str, str]]  # (id, name)


# --- the generator -------------------------------------------------------------------------------


class DemoCounty:
    """Makes the county up row by row and hands each row to ``add(model, values)``.

    After ``build``, ``county_id`` and ``poor_population_end_2013`` (known only once every
    household is made) are for the loader to write into the county's row.
    """

    def __init__(
        self,
        add: Callable[[type[Any], dict[str, Any]], Any],
        *,
        households: int,
        seed: int,
        policy: PolicyYear,
        progress: Callable[[int, int], None] | None,
    ) -> None:
        self.add = add
        self.county_id = ""
        self.poor_population_end_2013 = 0
        self.total = households
        self.seed = seed
        self.policy = policy
        self.progress = progress
        self.rng = random.Random(seed)
        self.random = self.rng.random
        # the procedure's dates draw from their own stream: the families stay those of the seed
        self.procedure_rng = random.Random(f"fieldbook-demo-procedures-{seed}")
        self.snapshot = policy.snapshot_date
        self.snapshot_ordinal = self.snapshot.toordinal()
        self.school_year_start = date(self.snapshot.year, 8, 31)
        self.ids = SeededIds(seed, datetime.combine(self.snapshot, datetime.min.time()))
        self.exit_line = int(policy.exit_line_per_capita)
        self.marginal_line = int(policy.marginal_income_line)
        self.monitored_line = int(policy.monitored_income_line)
        self.summary = DemoSummary(county_code=COUNTY_CODE, county_name=COUNTY_NAME, seed=seed)
        self.status_counts: Counter[str] = Counter()
        self.used_ids: set[str] = set()
        self.people_2014 = 0
        self.monitoring_people = 0
        # the end-2013 population also counts people removed from the registry since 2014
        self.factor_2013 = self.rng.uniform(1.12, 1.22)
        self.measure_items = _measure_items()
        self.done = 0

    # --- random helpers ---------------------------------------------------------------------

    def chance(self, p: float) -> bool:
        return self.random() < p

    def randint(self, low: int, high: int) -> int:
        """An integer in ``[low, high]`` from one ``random()`` (faster than ``rng.randint``)."""
        return low + int(self.random() * (high - low + 1))

    def pick(self, items: Sequence[T]) -> T:
        return items[int(self.random() * len(items))]

    def other_surname(self, avoid: str) -> str:
        while True:
            name = SURNAMES(self.rng)
            if name != avoid:
                return name

    def given_name(self, sex: str, birth_year: int) -> str:
        generation = 0 if birth_year < 1960 else 1 if birth_year < 1990 else 2
        return self.pick(GIVEN_NAMES[(sex, generation)])

    def birth_for_age(self, age: int) -> date:
        """A birth date at which a person is ``age`` whole years old on the snapshot date."""
        snap = self.snapshot
        latest = snap.replace(year=snap.year - age).toordinal()
        earliest = snap.replace(year=snap.year - age - 1).toordinal() + 1
        return date.fromordinal(self.randint(earliest, latest))

    def id_number(self, birth: date, sex: str) -> str:
        for _ in range(500):
            number = make_id_number(REGION_CODE, birth, self.randint(0, 99), sex)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number
        raise RuntimeError(f"no free ID order code for {birth} {sex}")  # pragma: no cover

    def mobile(self) -> str:
        return self.pick(MOBILE_PREFIXES) + f"{self.randint(0, 99_999_999):08d}"

    def day_between(self, first: date, last: date) -> date:
        return date.fromordinal(self.randint(first.toordinal(), last.toordinal()))

    def visit_moment(self) -> datetime:
        """A moment of a field visit: daytime, between work start and the snapshot date."""
        day = self.day_between(self.policy.work_start, self.snapshot)
        return datetime(day.year, day.month, day.day) + timedelta(
            seconds=self.randint(8 * 3600, 18 * 3600)
        )

    # --- the division tree ------------------------------------------------------------------

    def build(self) -> DemoSummary:
        rng = self.rng
        village_count = max(min(2, self.total), round(self.total / HOUSEHOLDS_PER_VILLAGE))
        township_count = math.ceil(village_count / VILLAGES_PER_TOWNSHIP)

        county_id = self.ids()
        self.add(
            Division,
            {
                "id": county_id,
                "code": COUNTY_CODE,
                "level": "county",
                "name": COUNTY_NAME,
                "parent_id": None,
                "poor_population_end_2013": 0,  # the loader sets it at the end (2014 registration)
            },
        )

        # households per village: around an even share (200–400 at full size), summing exactly
        weights = [rng.uniform(0.67, 1.33) for _ in range(village_count)]
        scale = self.total / sum(weights)
        sizes = [int(w * scale) for w in weights]
        for i in range(self.total - sum(sizes)):
            sizes[i % village_count] += 1
        poor_flags = [self.chance(0.45) for _ in range(village_count)]
        poor_flags[0] = True  # every county has poor and non-poor villages
        if village_count > 1:
            poor_flags[1] = False

        names = [p + s + "村" for p in VILLAGE_PREFIXES for s in VILLAGE_SUFFIXES]
        rng.shuffle(names)
        names += [f"{names[i % len(names)][:-1]}{i}村" for i in range(village_count - len(names))]
        per_township = [village_count // township_count] * township_count
        for i in range(village_count - sum(per_township)):
            per_township[i] += 1

        v = 0
        for t in range(township_count):
            if t < len(TOWNS):
                township_name, township_code = TOWNS[t], f"{REGION_CODE}{101 + t:03d}000"
            else:
                extra = t - len(TOWNS)
                prefix = EXTRA_TOWNSHIP_PREFIXES[extra % len(EXTRA_TOWNSHIP_PREFIXES)]
                suffix = str(extra // len(EXTRA_TOWNSHIP_PREFIXES) or "")
                township_name, township_code = (
                    f"{prefix}{suffix}乡",
                    f"{REGION_CODE}{201 + extra:03d}000",
                )
            township_id = self.ids()
            self.add(
                Division,
                {
                    "id": township_id,
                    "code": township_code,
                    "level": "township",
                    "name": township_name,
                    "parent_id": county_id,
                },
            )
            self.summary.townships += 1
            centre = _offset_km(
                COUNTY_SEAT, rng.uniform(4.0, VILLAGE_RADIUS_KM - 6.0), rng.uniform(0, 2 * math.pi)
            )
            for n in range(per_township[t]):
                village = self._village(
                    township_id, township_code, township_name, n, names[v], poor_flags[v], centre
                )
                self._households(village, sizes[v])
                v += 1

        self.county_id = county_id
        self.poor_population_end_2013 = round(self.people_2014 * self.factor_2013)
        self.summary.by_status = dict(sorted(self.status_counts.items()))
        return self.summary

    def _village(
        self,
        township_id: str,
        township_code: str,
        township_name: str,
        n: int,
        name: str,
        poor: bool,
        centre: tuple[float, float],
    ) -> _Village:
        rng = self.rng
        code = f"{township_code[:9]}{201 + n:03d}"
        latitude, longitude = _clamp(
            _offset_km(centre, rng.uniform(0.5, 6.0), rng.uniform(0, 2 * math.pi))
        )
        village_id = self.ids()
        unit = self.pick(UNITS)[0]
        self.add(
            Division,
            {
                "id": village_id,
                "code": code,
                "level": "village",
                "name": name,
                "parent_id": township_id,
                "is_poor_village": poor,
                "village_exited_year": VILLAGE_EXIT_YEAR(rng) if poor else None,
                "task_force": f"{unit}驻村工作队" if poor or self.chance(0.3) else None,
                "committee_latitude": latitude,
                "committee_longitude": longitude,
                "committee_location_source": "manual",
                "committee_location_time": self.visit_moment(),
            },
        )
        self.summary.villages += 1
        self.summary.poor_villages += int(poor)
        hamlets = []
        for h in range(1, self.randint(4, 10) + 1):
            hamlet_id = self.ids()
            hamlet_name = _numeral(h) + "组"
            self.add(
                Division,
                {
                    "id": hamlet_id,
                    "code": f"{code}-{h:02d}",
                    "level": "hamlet",
                    "name": hamlet_name,
                    "parent_id": village_id,
                },
            )
            hamlets.append((hamlet_id, hamlet_name))
        self.summary.hamlets += len(hamlets)
        return _Village(village_id, code, name, township_name, poor, latitude, longitude, hamlets)

    # --- the households of one village ------------------------------------------------------

    def _households(self, village: _Village, count: int) -> None:
        """Plan the village's families, pick its marginal and monitored ones, then write them."""
        rng = self.rng
        registered_share = rng.uniform(0.30, 0.46) if village.poor else rng.uniform(0.04, 0.11)
        registered = set(rng.sample(range(count), round(count * registered_share)))
        away = set(rng.sample(range(count), min(count, max(1, round(count * 0.01)))))
        plans = [
            self._plan(STATUS_OF_REGISTERED(rng) if i in registered else "ordinary", i in away)
            for i in range(count)
        ]
        self.people_2014 += sum(
            len(p.people) for p in plans if p.identified == FIRST_REGISTRATION_YEAR
        )

        # A few marginal (ordinary) and monitored (exited) households per village, within the
        # county's quota (Q6); its 2013 base only grows as villages are added, so it holds.
        quota = math.floor(
            float(self.policy.monitoring_quota_share) * self.people_2014 * self.factor_2013 - 1
        )
        for status, share, flag in (
            ("ordinary", 0.009, "marginal"),
            ("exited", 0.045, "monitored"),
        ):
            candidates = [
                p for p in plans if p.status == status and not p.away and p.attribute != "3"
            ]
            wanted = max(1, round(len(candidates) * share)) if candidates else 0
            for plan in rng.sample(candidates, len(candidates)):
                if not wanted:
                    break
                if self.monitoring_people + len(plan.people) <= quota:
                    setattr(plan, flag, True)
                    self.monitoring_people += len(plan.people)
                    wanted -= 1

        self._village_procedures(village, plans)

        # assistance persons: one for every ~10 registered households of the village
        persons: dict[int, str] = {}
        left = 0
        person_id = ""
        for i in sorted(registered):
            if not left:
                person_id, left = self._assistance_person(village), self.randint(8, 12)
            persons[i] = person_id
            left -= 1

        hamlet_of = sorted(self.randint(0, len(village.hamlets) - 1) for _ in range(count))
        for i, plan in enumerate(plans):
            self._household(
                village,
                plan,
                number=f"{village.code}{i + 1:04d}",
                hamlet=village.hamlets[hamlet_of[i]],
                assistance_person_id=persons.get(i),
            )
        self.done += count
        if self.progress is not None:
            self.progress(self.done, self.total)

    def _village_procedures(self, village: _Village, plans: list[_Plan]) -> None:
        """The village's own procedure steps of the policy year (Q15, Q16), held for all its
        households at once (``household_id`` None): the identification's six steps when it has
        a household identified this year (else its second appraisal and second notice, which
        every village holds, Q15), and the exit's three when a household exited this year.

        Each notice lasts at least ``notice_min_days`` (both ends counted), every step follows
        the one before it as ``desktop.domain.procedure`` orders them, and everything is inside
        the work calendar and over by ``procedures_due``.
        """
        year = self.policy.year
        identified = any(p.status == "poor" and p.identified == year for p in plans)
        exited = any(p.status == "exited" and p.exited_year == year for p in plans)
        identify = Operation.identify.value
        steps = self._identify_dates()
        if not identified:
            steps = [s for s in steps if s[0] in procedure.VILLAGE_STEPS_WITHOUT_CANDIDATES]
        rows = [(identify, *s) for s in steps]
        if exited:
            rows += [(Operation.exit.value, *s) for s in self._exit_dates()]
        for operation, step, start, end in rows:
            if (end or start) > self.policy.procedures_due:  # pragma: no cover - policy files
                raise RuntimeError(f"{village.name}的{step}晚于{self.policy.procedures_due}")
            self.add(
                ProcedureStep,
                {
                    "id": self.ids(),
                    "village_id": village.id,
                    "household_id": None,
                    "operation": operation,
                    "step": step,
                    "start_date": start,
                    "end_date": end,
                    "outcome": PROCEDURE_OUTCOMES[step],
                    "recorded_by": "村两委",
                },
            )

    def _notice(self, start: date) -> tuple[date, date]:
        """A notice from ``start``: ``notice_min_days`` days or up to two more, both ends counted."""
        days = self.policy.notice_min_days + int(self.procedure_rng.random() * 3)
        return start, start + timedelta(days=days - 1)

    def _first_day(self) -> date:
        """The appraisal's day: within the first week of the work calendar."""
        return self.policy.work_start + timedelta(days=int(self.procedure_rng.random() * 7))

    def _identify_dates(self) -> list[tuple[str, date, date | None]]:
        """(step, start, end) of an identification: appraisal, first notice with the cross-check
        running beside it, second appraisal, second notice, announcement."""
        one = timedelta(days=1)
        appraisal = self._first_day()
        first_notice = self._notice(appraisal + one)
        crosscheck = (
            appraisal + one,
            appraisal + timedelta(days=4 + int(self.procedure_rng.random() * 5)),
        )
        second_appraisal = max(first_notice[1], crosscheck[1]) + one
        second_notice = self._notice(second_appraisal + one)
        announcement = second_notice[1] + one
        return [
            (procedure.APPRAISAL, appraisal, None),
            (procedure.FIRST_NOTICE, *first_notice),
            (procedure.CROSSCHECK, *crosscheck),
            (procedure.SECOND_APPRAISAL, second_appraisal, None),
            (procedure.SECOND_NOTICE, *second_notice),
            (procedure.ANNOUNCEMENT, announcement, None),
        ]

    def _exit_dates(self) -> list[tuple[str, date, date | None]]:
        """(step, start, end) of an exit: appraisal, notice, announcement."""
        appraisal = self._first_day()
        notice = self._notice(appraisal + timedelta(days=1))
        return [
            (procedure.APPRAISAL, appraisal, None),
            (procedure.FIRST_NOTICE, *notice),
            (procedure.ANNOUNCEMENT, notice[1] + timedelta(days=1), None),
        ]

    def _assistance_person(self, village: _Village) -> str:
        sex = MALE if self.chance(0.7) else FEMALE
        unit, level = self.pick(UNITS)
        if self.chance(0.2):
            unit, level = f"{village.township_name}人民政府", "05"
        person_id = self.ids()
        self.add(
            AssistancePerson,
            {
                "id": person_id,
                "name": SURNAMES(self.rng) + self.given_name(sex, self.randint(1965, 1995)),
                "sex": sex,
                "political_status": "01" if self.chance(0.85) else "13",
                "unit_name": unit,
                "unit_level": level,
                "position": self.pick(POSITIONS),
                "phone": self.mobile(),
                "start_date": date(self.randint(2015, 2018), self.randint(1, 12), 1),
                "end_date": None,
            },
        )
        self.summary.assistance_persons += 1
        return person_id

    def _plan(self, status: str, away: bool) -> _Plan:
        """A family with its health, schooling and labour, and its registration years."""
        registered = status != "ordinary"
        people = self._family(registered)
        for person in people:
            self._health(person, registered)
            self._schooling(person)
            self._labour(person, registered, away)
        identified = exited_year = attribute = main_cause = None
        other_causes: list[str] = []
        if registered:
            identified, exited_year = self._years(status)
            attribute = self._attribute(people)
            main_cause, other_causes = self._causes(people)
        return _Plan(
            status, people, away, identified, exited_year, attribute, main_cause, other_causes
        )

    def _household(
        self,
        village: _Village,
        plan: _Plan,
        *,
        number: str,
        hamlet: tuple[str, str],
        assistance_person_id: str | None,
    ) -> None:
        rng = self.rng
        status, people, away = plan.status, plan.people, plan.away
        marginal, monitored = plan.marginal, plan.monitored
        registered = status != "ordinary"
        exited = status in ("exited", "exited_stable")
        household_id = self.ids()

        attribute, main_cause, other_causes = plan.attribute, plan.main_cause, plan.other_causes
        special_mode = "1" if attribute == "3" else None  # 分散供养
        min_living = attribute == "2"
        special_support = attribute == "3"

        # land in tenths of a mu
        cultivated = self.randint(10, 80)
        irrigated = cultivated * self.randint(0, 30) // 100
        forest = self.randint(5, 60) * 10
        returned = self.randint(5, 60) if self.chance(0.4) else 0
        orchard = self.randint(5, 30) if self.chance(0.35) else 0

        children = [p.relation for p in people if p.relation in ("03", "04")]
        only_child = len(children) == 1
        two_daughters = children == ["04", "04"]

        # the income band this household's state needs (per capita, yuan)
        if marginal:
            band = (self.exit_line + 300, self.marginal_line - 1)
        elif monitored:
            band = (self.exit_line + 300, self.monitored_line - 1)
        elif status == "poor":
            band = (1800, self.exit_line + 400)
        elif status == "exited":
            band = (self.monitored_line, 11000)
        elif status == "exited_stable":
            band = (6000, 15000)
        else:
            band = (self.marginal_line, 24000)
        income, items = self._income(
            people,
            registered=registered,
            min_living=min_living,
            special_support=special_support,
            land=(cultivated, returned, forest, orchard),
            family_planning=only_child or two_daughters,
            band=band,
            itemise=registered or marginal,
        )
        per_capita = per_capita_net_income(income, len(people))
        assert per_capita is not None
        if (marginal or monitored) and not band[0] <= per_capita <= band[1]:  # pragma: no cover
            marginal = monitored = False  # the income could not be brought under the line

        head_phone = self.mobile()
        visit = self.visit_moment()
        if away:  # Q19: at the village committee, with a note and a contact
            location: dict[str, Any] = {
                "latitude": village.latitude,
                "longitude": village.longitude,
                "location_source": "village_committee",
                "location_accuracy_m": None,
                "away_long_term": True,
                "location_note": self.pick(AWAY_NOTES),
                "location_contact": head_phone,
            }
        else:
            latitude, longitude = _offset_km(
                (village.latitude, village.longitude),
                HOUSEHOLD_RADIUS_M * math.sqrt(self.random()) / 1000,
                self.random() * 2 * math.pi,
            )
            location = {
                "latitude": round(latitude, 6),
                "longitude": round(longitude, 6),
                "location_source": "gps",
                "location_accuracy_m": self.randint(30, 150) / 10,
                "away_long_term": False,
                "location_note": None,
                "location_contact": None,
            }

        dangerous = status == "poor" and self.chance(0.15)
        # Q6: a marginal household meets the exit standard on 两不愁三保障 and water, income aside
        safe_water = exited or self.chance(0.97) or marginal
        relocated = registered and self.chance(0.08)
        tenth = _tenths
        self.add(
            Household,
            {
                "id": household_id,
                "household_number": number,
                "village_id": village.id,
                "hamlet_id": hamlet[0],
                "address": f"{PROVINCE}{CITY}{COUNTY_NAME}{village.township_name}{village.name}"
                f"{hamlet[1]}",
                "status": status,
                "attribute": attribute,
                "special_support_mode": special_mode,
                "identification_standard": "01" if registered else None,
                "main_cause": main_cause,
                "other_causes": other_causes,
                "return_causes": [],
                "military_family": self.chance(0.015),
                "only_child": only_child,
                "two_daughters": two_daughters,
                "identified_year": plan.identified,
                "exited_year": plan.exited_year,
                "returned_year": None,
                "marginal": marginal,
                "monitored": monitored,
                "phone": head_phone,
                "bank_name": self.pick(BANKS),
                "bank_account": f"62{self.randint(0, 10**17 - 1):017d}",
                "cooperative_member": self.chance(0.6 if registered else 0.12),
                "led_by_enterprise": self.chance(0.3 if registered else 0.05),
                "led_by_entrepreneur": self.chance(0.25 if registered else 0.05),
                "cultivated_land_mu": tenth(cultivated),
                "irrigated_land_mu": tenth(irrigated),
                "forest_land_mu": tenth(forest),
                "returned_farmland_mu": tenth(returned),
                "fruit_forest_mu": tenth(orchard),
                "pasture_mu": tenth(0),
                "water_surface_mu": tenth(0),
                "production_power": True,
                "living_power": True,
                "broadcast_tv": self.chance(0.98),
                "drinking_water_difficult": not safe_water,
                "drinking_water_safe": safe_water,
                "road_distance_km": tenth(self.randint(0, 30)),
                "road_type": ROAD_TYPE(rng),
                "housing_area_m2": None if away else Decimal(self.randint(50, 180)),
                "dangerous_house": dangerous,
                "housing_grade": self.pick(("3", "4")) if dangerous else self.pick(("1", "1", "2")),
                "sanitary_toilet": self.chance(0.75 if exited else 0.55),
                "fuel_type": FUEL_TYPE(rng),
                "relocation_wish": False if not relocated else None,
                "relocation_mode": "03" if relocated else None,
                "resettlement_method": "01" if relocated else None,
                "resettlement_place": self.pick(("01", "02")) if relocated else None,
                "food_assured": True,
                "clothing_assured": True,
                "education_assured": True,
                "medical_assured": exited or self.chance(0.95) or marginal,
                "housing_assured": not dangerous,
                "water_assured": safe_water,
                **location,
                "location_time": visit,
                "assistance_person_id": assistance_person_id,
                "member_count": len(people),
                "head_name": next(p.name for p in people if p.relation == "01"),
                "last_visit_date": visit.date(),
                "note": None,
            },
        )

        # members, income, measures and risks go in after the household row: the loader keeps
        # foreign keys intact for parents added before their children
        member_ids = [
            self._member(
                household_id,
                position,
                person,
                registered=registered,
                min_living=min_living,
                special_support=special_support,
                phone=head_phone if position == 0 else None,
            )
            for position, person in enumerate(people)
        ]
        income_id = self.ids()
        self.add(
            Income,
            {
                "id": income_id,
                "household_id": household_id,
                "policy_year": self.policy.year,
                "period_start": self.policy.income_period_start,
                "period_end": self.policy.income_period_end,
                "wage_income": income.wage_income,
                "business_income": income.business_income,
                "property_income": income.property_income,
                "transfer_income": income.transfer_income,
                "production_costs": income.production_costs,
                "per_capita_net_income": per_capita,
            },
        )
        for component, item, amount in items:
            self.add(
                IncomeItem,
                {
                    "id": self.ids(),
                    "income_id": income_id,
                    "component": component,
                    "item": item,
                    "amount": Decimal(amount),
                },
            )
        if registered:
            assert plan.identified is not None
            last_year = plan.exited_year if status == "exited_stable" else POLICY_YEAR
            self._measures(
                household_id,
                people,
                member_ids,
                years=(plan.identified, last_year or POLICY_YEAR),
                low_income_allowance=min_living,
                returned_farmland=returned,
                relocated=relocated,
            )
        if marginal or monitored:
            self._risk(household_id, people, "marginal" if marginal else "monitored")

        self.summary.households += 1
        self.summary.members += len(people)
        self.status_counts[status] += 1
        self.summary.marginal += int(marginal)
        self.summary.monitored += int(monitored)
        self.summary.away_long_term += int(away)

    # --- the family -------------------------------------------------------------------------

    def _family(self, registered: bool) -> list[_Person]:
        """Head first, then spouse, children (or a married child's family) and the head's parents.

        Children are 20–38 years younger than both parents and parents 20–34 years older than
        the head, so every relation agrees with sex and age.
        """
        size = HOUSEHOLD_SIZES[registered](self.rng)
        if size == 1:
            age = self.randint(55, 90) if registered else self.randint(30, 85)
            sex = MALE if self.chance(0.6) else FEMALE
            return [self._person("01", sex, age, SURNAMES(self.rng))]

        low, high = HEAD_AGES[registered](self.rng)
        head_age = self.randint(low, high)
        head_sex = MALE if self.chance(0.88) else FEMALE
        head = self._person("01", head_sex, head_age, SURNAMES(self.rng))
        people = [head]
        parents = [head]
        if self.chance(0.9 if head_sex == MALE else 0.3):
            offset = self.randint(-6, 1) if head_sex == MALE else self.randint(-1, 6)
            spouse_age = min(max(head_age + offset, 20), 92)
            spouse_sex = FEMALE if head_sex == MALE else MALE
            spouse = self._person("02", spouse_sex, spouse_age, self.other_surname(head.surname))
            people.append(spouse)
            parents.append(spouse)
        if head_sex == MALE:
            family_name = head.surname
        elif len(parents) > 1:
            family_name = parents[1].surname
        else:  # a widow's children carry their late father's surname
            family_name = self.other_surname(head.surname)

        budget = size - len(people)
        elders = 0  # the head's parents live with young and middle-aged heads only
        if budget and head_age <= 58 and self.chance(0.3):
            elders = min(budget, self.randint(1, 2))
        budget -= elders

        youngest = min(p.age for p in parents)
        kids_low, kids_high = max(0, max(p.age for p in parents) - 38), youngest - 20
        if budget and kids_high >= kids_low:
            if budget >= 3 and kids_high >= 23 and head_age >= 48 and self.chance(0.65):
                people += self._married_child(family_name, kids_low, kids_high, youngest, budget)
                budget = size - len(people) - elders
            for _ in range(min(budget, 4)):
                boy = self.chance(0.52)
                kid_age = self.randint(kids_low, kids_high)
                people.append(
                    self._person(
                        "03" if boy else "04", MALE if boy else FEMALE, kid_age, family_name
                    )
                )
        if elders:  # both, or the one still alive
            father = ("11", MALE, head_age + self.randint(22, 34), head.surname)
            mother = (
                "12",
                FEMALE,
                head_age + self.randint(20, 32),
                self.other_surname(head.surname),
            )
            living = [p for p in (father, mother) if p[2] <= 95]
            if elders == 1 and len(living) == 2:
                living = [self.pick(living)]
            people += [self._person(*p) for p in living]
        return people

    def _married_child(
        self, family_name: str, kids_low: int, kids_high: int, youngest: int, budget: int
    ) -> list[_Person]:
        """A married son with his wife, or a daughter with a son-in-law (上门女婿), and their kids."""
        heir_age = self.randint(max(kids_low, 23), kids_high)
        son = self.chance(0.8)
        heir = self._person("03" if son else "04", MALE if son else FEMALE, heir_age, family_name)
        in_law_age = min(max(heir_age + self.randint(-3, 3), 20), youngest - 18)
        in_law = self._person(
            "05" if son else "06",
            FEMALE if son else MALE,
            in_law_age,
            self.other_surname(family_name),
        )
        found = [heir, in_law]
        low = max(0, max(heir_age, in_law_age) - 38)
        high = min(heir_age, in_law_age) - 20
        for _ in range(min(budget - 2, 3) if high >= low else 0):
            boy = self.chance(0.52)
            relation = ("07" if boy else "08") if son else ("09" if boy else "10")
            surname = family_name if son or self.chance(0.5) else in_law.surname
            found.append(
                self._person(relation, MALE if boy else FEMALE, self.randint(low, high), surname)
            )
        return found

    def _person(self, relation: str, sex: str, age: int, surname: str) -> _Person:
        birth = self.birth_for_age(age)
        name = surname + self.given_name(sex, birth.year)
        return _Person(relation=relation, sex=sex, age=age, surname=surname, birth=birth, name=name)

    def _health(self, person: _Person, registered: bool) -> None:
        age = person.age
        factor = 1.6 if registered else 1.0
        chronic = (0.02 if age < 40 else 0.08 if age < 60 else 0.20 if age < 70 else 0.32) * factor
        serious = (0.004 if age < 40 else 0.012 if age < 60 else 0.025) * factor
        disabled = (0.008 if age < 16 else 0.02 if age < 60 else 0.04) * factor
        codes = ["02"] if self.random() < chronic else []
        if self.random() < serious:
            codes = ["03"]
        if self.random() < disabled:
            codes.append("04")
            person.disability = (DISABILITY_CATEGORY(self.rng), DISABILITY_GRADE(self.rng))
        person.health = codes or ["01"]

    def _schooling(self, person: _Person) -> None:
        """School status and education from the age on 31 August (the school year's start)."""
        start = self.school_year_start
        birth = person.birth
        school_age = start.year - birth.year - ((start.month, start.day) < (birth.month, birth.day))
        grade = school_age - 5
        if grade <= 0:
            person.education = "06"
            person.school_status = "02" if person.age >= 3 and self.chance(0.85) else "01"
        elif grade <= 6:
            person.education, person.school_status, person.student_level = "02", "03", "compulsory"
        elif grade <= 9:
            person.education, person.student_level = "03", "compulsory"
            person.school_status = ("04", "05", "06")[grade - 7]
        elif grade <= 12 and self.chance(0.78):
            person.education = "04"
            if self.chance(0.7):
                person.school_status, person.student_level = ("07", "08", "09")[grade - 10], "high"
            else:
                person.school_status = ("10", "11", "12")[grade - 10]
                person.student_level = "vocational"
        elif 13 <= grade <= 16 and self.chance(0.38):
            person.education = "05"
            if grade <= 15 and self.chance(0.5):
                person.school_status = ("13", "14", "15")[grade - 13]
                person.student_level = "vocational"
            else:
                person.school_status, person.student_level = "16", "college"
        else:
            person.school_status = "01"
            if grade <= 12:
                person.education = "03"
            else:
                for born_before, education in EDUCATION_BY_BIRTH:
                    if birth.year < born_before:
                        person.education = education(self.rng)
                        break

    def _labour(self, person: _Person, registered: bool, away: bool) -> None:
        """Labour skill by age and health; work months, place and wage for those who work."""
        age = person.age
        if age < 16 or person.school_status != "01":
            person.labour = "04"
            return
        if "03" in person.health or (person.disability and person.disability[1] <= 2):
            person.labour = "03"
            return
        if person.health != ["01"]:
            person.labour = "05" if age < 70 else "04"
        elif age <= 59:
            person.labour = "02" if self.chance(0.15) else "01"
        elif age <= 69:
            person.labour = "01" if self.chance(0.4) else "05"
        else:
            person.labour = "05" if self.chance(0.2) else "04"
        if person.labour == "04" or age > 64:
            return
        if away and person.labour in ("01", "02"):
            person.work_months, person.work_place = self.randint(10, 12), self.pick(("03", "04"))
        elif person.labour == "05":
            if not self.chance(0.35):
                return
            person.work_months, person.work_place = self.randint(2, 6), self.pick(("01", "02"))
        else:
            if not self.chance(0.65 if registered else 0.8):
                return
            person.work_months = self.randint(3, 11) if registered else self.randint(6, 12)
            person.work_place = WORK_PLACE(self.rng)
        rate = self.randint(*MONTHLY_WAGE[person.work_place])
        if person.labour == "02":
            rate = rate * 5 // 4
        person.wage_rate = rate // 10 * 10

    # --- registration -----------------------------------------------------------------------

    def _years(self, status: str) -> tuple[int, int | None]:
        """(identified, exited): a household never exits in the year it was identified."""
        while True:
            identified = IDENTIFIED_YEAR(self.rng)
            if status == "poor":
                return identified, None
            last_exit = POLICY_YEAR if status == "exited" else POLICY_YEAR - 1
            if identified < last_exit:
                return identified, self.randint(identified + 1, last_exit)

    def _attribute(self, people: list[_Person]) -> str:
        """一般 (1), 低保 (2) or 特困供养 (3): special support only for the old without labour."""
        no_labour = all(p.labour in ("03", "04") for p in people)
        elderly = all(p.age >= 60 for p in people)
        if len(people) <= 2 and no_labour and elderly and self.chance(0.45):
            return "3"
        weak = any(p.labour in ("03", "05") or p.health != ["01"] for p in people if p.age >= 16)
        if (weak and self.chance(0.35)) or self.chance(0.08):
            return "2"
        return "1"

    def _causes(self, people: list[_Person]) -> tuple[str, list[str]]:
        """The main cause and up to two others, never repeating it, each backed by the facts."""
        weights = {"07": 3.0, "09": 3.0, "04": 0.8, "10": 0.8, "11": 0.8, "05": 0.8, "06": 0.4}
        if any(p.ill for p in people):
            weights["01"] = 6.0
        if any(p.disability for p in people):
            weights["02"] = 6.0
        if any(p.student_level in ("high", "vocational", "college") for p in people):
            weights["03"] = 4.0
        if not any(p.labour in ("01", "02") for p in people):
            weights["08"] = 5.0
        main = Weighted(list(weights.items()))(self.rng)
        del weights[main]
        others: list[str] = []
        for _ in range(OTHER_CAUSE_COUNT(self.rng)):
            cause = Weighted(list(weights.items()))(self.rng)
            others.append(cause)
            del weights[cause]
        return main, sorted(others)

    # --- income -----------------------------------------------------------------------------

    def _income(
        self,
        people: list[_Person],
        *,
        registered: bool,
        min_living: bool,
        special_support: bool,
        land: tuple[int, int, int, int],
        family_planning: bool,
        band: tuple[int, int],
        itemise: bool,
    ) -> tuple[_Figures, list[tuple[str, str, int]]]:
        """The policy year's income by component, per-capita net income inside ``band``.

        Natural figures first (wages from the members' work, farming from the land, transfers
        from their situation); too much and the best-paid worker's months are cut (down to none),
        then farming, rent and dividends; too little and farming or livestock grow.
        With ``itemise`` the transfer and business sub-items come along, adding up exactly.
        """
        n = len(people)
        cultivated, returned, forest, orchard_land = land  # tenths of a mu
        randint, uniform = self.randint, self.rng.uniform
        # [gross, costs] of each farming activity
        crops = [int(cultivated * uniform(65, 110)) // 10 * 10, 0]
        crops[1] = int(crops[0] * uniform(0.30, 0.45))
        livestock = [randint(150, 800) * 10 if self.chance(0.45) else 0, 0]
        livestock[1] = int(livestock[0] * uniform(0.45, 0.6))
        orchard = [int(orchard_land * uniform(80, 200)) // 10 * 10, 0]
        orchard[1] = orchard[0] // 5
        farming = (livestock, crops, orchard)

        dividend = randint(30, 100) * 10 if registered and self.chance(0.7) else 0
        land_rent = randint(30, 150) * 10 if self.chance(0.1) else 0

        pension = PENSION_PER_YEAR * sum(p.age >= 60 for p in people)
        allowance = sum(randint(180, 320) * 10 for _ in people) if min_living else 0
        support = SPECIAL_SUPPORT_PER_YEAR * n if special_support else 0
        ecological = (
            returned * ECOLOGICAL_PER_RETURNED_MU + forest * ECOLOGICAL_PER_FOREST_MU
        ) // 10
        other = cultivated * FARMLAND_SUBSIDY_PER_MU // 10
        other += OLD_AGE_SUBSIDY * sum(p.age >= 80 for p in people)
        other += DISABILITY_SUBSIDY * sum(p.disability is not None for p in people)
        planning = 0
        if family_planning:
            planning = FAMILY_PLANNING_PER_PARENT * sum(
                p.relation in ("01", "02") and p.age >= 60 for p in people
            )
        transfer = pension + allowance + support + ecological + other + planning

        workers = [p for p in people if p.work_months > 0]

        def net() -> int:
            wage = sum(p.work_months * p.wage_rate for p in workers)
            return wage + sum(g - c for g, c in farming) + dividend + land_rent + transfer

        low, high = band[0] * n, band[1] * n
        if net() > high:
            target = high - int(uniform(0.05, 0.4) * (high - low))
            while net() > target:  # fewer months away, the best-paid worker first
                best = max(workers, key=lambda p: p.work_months * p.wage_rate, default=None)
                if best is None or best.work_months == 0:
                    break
                best.work_months -= 1
            for farm in farming:  # then less farming, costs in proportion
                excess, farm_net = net() - target, farm[0] - farm[1]
                if excess <= 0:
                    break
                if farm_net > 0:
                    share = min(excess, farm_net) / farm_net
                    farm[0] -= round(farm[0] * share)
                    farm[1] -= round(farm[1] * share)
            if net() > target:
                land_rent = 0
            if net() > target:
                dividend = 0
            for person in workers:
                if person.work_months == 0:  # did not go out to work this year after all
                    person.work_place, person.wage_rate = None, 0
        if net() < low:  # the added gross minus its costs is exactly what is missing
            missing = low + int(uniform(0.05, 0.35) * (high - low)) - net()
            farm, cost_share = (
                (livestock, 0.5) if livestock[0] or self.chance(0.5) else (crops, 0.35)
            )
            gross = (int(missing / (1 - cost_share)) // 10 + 1) * 10
            farm[0] += gross
            farm[1] += gross - missing

        wage = sum(p.work_months * p.wage_rate for p in workers)
        items: list[tuple[str, str, int]] = []
        if itemise:
            for component, item, amount in (
                ("business", "crops", crops[0]),
                ("business", "livestock", livestock[0]),
                ("business", "orchard", orchard[0]),
                ("transfer", "pension", pension),
                ("transfer", "min_living", allowance),
                ("transfer", "special_support", support),
                ("transfer", "ecological", ecological),
                ("transfer", "family_planning", planning),
                ("transfer", "other", other),
            ):
                if amount:
                    items.append((component, item, amount))
        figures = _Figures(
            wage_income=Decimal(wage),
            business_income=Decimal(sum(g for g, _ in farming)),
            property_income=Decimal(dividend + land_rent),
            transfer_income=Decimal(transfer),
            production_costs=Decimal(sum(c for _, c in farming)),
        )
        return figures, items

    # --- members ----------------------------------------------------------------------------

    def _member(
        self,
        household_id: str,
        position: int,
        person: _Person,
        *,
        registered: bool,
        min_living: bool,
        special_support: bool,
        phone: str | None,
    ) -> str:
        chance, age = self.chance, person.age
        id_number = self.id_number(person.birth, person.sex)
        certificate = None
        if person.disability is not None:
            certificate = make_disability_number(id_number, *person.disability)
        adult = age >= 16 and person.school_status == "01"
        if age >= 18 and chance(0.09 if person.sex == MALE else 0.03):
            political = "01"  # 中共党员
        elif 14 <= age <= 28 and chance(0.3):
            political = "03"  # 共青团员
        else:
            political = "13"  # 群众
        insured = registered or chance(0.98)
        employer = None
        if person.work_place and chance(0.4):
            employer = self.pick(EMPLOYERS[person.work_place])
        if phone is None and adult and age <= 65 and chance(0.5):
            phone = self.mobile()
        member_id = self.ids()
        self.add(
            Member,
            {
                "id": member_id,
                "household_id": household_id,
                "position": position,
                "name": person.name,
                "sex": person.sex,
                "id_type": "01",
                "id_number": id_number,
                "disability_cert_number": certificate,
                "birth_date": person.birth,
                "relation": person.relation,
                "ethnicity": ETHNICITY(self.rng),
                "political_status": political,
                "education": person.education,
                "school_status": person.school_status,
                "dropout_reason": None,
                "health": person.health,
                "labour_skill": person.labour,
                "work_months": person.work_months,
                "work_place": person.work_place,
                "work_employer": employer,
                "active_military": False,
                "phone": phone,
                "speaks_mandarin": None if age < 3 else (age <= 65 or chance(0.7)),
                "basic_medical_insurance": insured,
                "serious_illness_insurance": insured,
                "basic_pension_insurance": adult and chance(0.95 if registered else 0.88),
                "accident_insurance": chance(0.7 if registered else 0.15),
                "commercial_medical_insurance": chance(0.85 if registered else 0.05),
                "min_living_allowance": min_living,
                "special_support": special_support,
                "medical_assistance": registered and person.ill and chance(0.6),
                "joined_reason": None,
                "joined_date": None,
                "left_reason": None,
                "left_date": None,
            },
        )
        return member_id

    # --- assistance and risks ---------------------------------------------------------------

    def _measures(
        self,
        household_id: str,
        people: list[_Person],
        member_ids: list[str],
        *,
        years: tuple[int, int],
        low_income_allowance: bool,
        returned_farmland: int,
        relocated: bool,
    ) -> None:
        """What the household received: one or two measures a year, from identification on."""
        randint, pick = self.randint, self.pick
        workers = [i for i, p in enumerate(people) if p.work_months > 0]
        guards = [
            i for i, p in enumerate(people) if p.labour in ("01", "02", "05") and 35 <= p.age <= 64
        ]
        pupils = [i for i, p in enumerate(people) if p.student_level == "compulsory"]
        trainees = [i for i, p in enumerate(people) if p.student_level in ("vocational", "high")]
        ill = [i for i, p in enumerate(people) if p.ill]
        done: set[str] = set()
        for year in range(years[0], years[1] + 1):
            options: list[tuple[str, int | None, int]] = [
                ("0601", None, randint(150, 250)),
                (pick(("0101", "0102", "0107")), None, randint(10, 30) * 100),
            ]
            if workers:
                options.append(("0201", pick(workers), randint(5, 10) * 100))
            if guards:
                options.append(("0401", pick(guards), 6000))
            if pupils:
                options.append(("0505", pick(pupils), 1000))
            if trainees:
                options.append(("0502", pick(trainees), 3000))
            if ill:
                options.append(("0603", pick(ill), randint(5, 50) * 100))
            if low_income_allowance:
                options.append(("1001", 0, randint(180, 320) * 10))
            if returned_farmland:
                options.append(("1302", None, returned_farmland * 30))
            for item, amount in ONE_OFF_MEASURES:
                if item not in done and self.chance(0.1):
                    options.append((item, None, amount))
            if relocated and "0301" not in done and year >= 2016:
                options.append(("0301", None, 60000))
            for item, member_index, amount in self.rng.sample(
                options, min(len(options), randint(1, 2))
            ):
                done.add(item)
                category, label = self.measure_items[item]
                self.add(
                    AssistanceMeasure,
                    {
                        "id": self.ids(),
                        "household_id": household_id,
                        "member_id": None if member_index is None else member_ids[member_index],
                        "year": year,
                        "category": category,
                        "item": item,
                        "description": label,
                        "amount": Decimal(amount),
                        "department": DEPARTMENTS.get(category),
                        "received": True,
                    },
                )

    def _risk(self, household_id: str, people: list[_Person], kind: str) -> None:
        """The household's 致贫/返贫 risk, from what its members' facts suggest."""
        if any(p.ill for p in people):
            risk_type, note = "01", "家中有长期慢性病或大病患者,医疗支出较大"
        elif any(p.disability for p in people):
            risk_type, note = "02", "家中有残疾人,劳动能力弱"
        elif any(p.student_level in ("high", "vocational", "college") for p in people):
            risk_type, note = "03", "子女上学支出较大"
        elif not any(p.labour in ("01", "02") for p in people):
            risk_type, note = "05", "家中缺少劳动力"
        else:
            risk_type, note = self.pick(OTHER_RISKS)
        identified = self.day_between(self.policy.work_start, self.policy.procedures_due)
        self.add(
            Risk,
            {
                "id": self.ids(),
                "household_id": household_id,
                "kind": kind,
                "risk_type": risk_type,
                "identified_date": identified,
                "decided_by": "01",  # 村两委
                "decision_date": identified + timedelta(days=self.randint(3, 10)),
                "eliminated": False,
                "eliminated_date": None,
                "elimination_method": None,
                "note": note,
            },
        )


# --- small helpers -------------------------------------------------------------------------------

EARTH_RADIUS_KM = 6371.0088
_TENTHS = [Decimal(n) / 10 for n in range(1000)]


def _tenths(n: int) -> Decimal:
    """``n`` tenths as a Decimal (cached for the small values land and distances take)."""
    return _TENTHS[n] if 0 <= n < len(_TENTHS) else Decimal(n) / 10


def _offset_km(
    origin: tuple[float, float], distance_km: float, bearing: float
) -> tuple[float, float]:
    """The point ``distance_km`` from ``origin`` along ``bearing`` (radians from north)."""
    latitude, longitude = origin
    d_lat = distance_km * math.cos(bearing) / EARTH_RADIUS_KM
    d_lon = distance_km * math.sin(bearing) / (EARTH_RADIUS_KM * math.cos(math.radians(latitude)))
    return latitude + math.degrees(d_lat), longitude + math.degrees(d_lon)


def _clamp(point: tuple[float, float]) -> tuple[float, float]:
    """A point kept inside the county's box, rounded to 6 decimals (about 0.1 m)."""
    latitude = min(max(point[0], LATITUDE_RANGE[0]), LATITUDE_RANGE[1])
    longitude = min(max(point[1], LONGITUDE_RANGE[0]), LONGITUDE_RANGE[1])
    return round(latitude, 6), round(longitude, 6)


def _numeral(n: int) -> str:
    """一 … 十, 十一 … 九十九: the numbers of hamlets (一组, 二组 …)."""
    if n <= 10:
        return HAMLET_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    prefix = "" if tens == 1 else HAMLET_NUMERALS[tens - 1]
    return prefix + "十" + (HAMLET_NUMERALS[ones - 1] if ones else "")


def _measure_items() -> dict[str, tuple[str, str]]:
    """Item code -> (category code, label), from the assistance_category code table."""
    table = code_table("assistance_category")
    found: dict[str, tuple[str, str]] = {}
    for category in table.codes():
        for item in (table.entry(category) or {}).get("items", ()):
            found[item["code"]] = (category, item["label"])
    return found
