"""``fieldbook --self-check``: does this installation work? Run from a source tree or a built folder.

In a temporary folder it enrolls an encrypted database (SQLCipher, the keyring, scrypt), unlocks
it with the PIN, migrates it, runs the audit on a household and saves it through the one save
path, finds it with the search index, renders its household card as a PDF (when
``desktop.cards`` is there), backs the database up and restores the backup, and finally opens
the sign-in dialog on Qt's offscreen platform. Each step prints one line; the exit status is 0
when every step passed, 1 otherwise. Nothing outside the temporary folder is touched.

``fieldbook --self-check [--no-gui]`` (``desktop.cli.main``, the one entry point of the console
script and the built program) runs ``run_self_check``.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

PIN = "20191130"
ADMIN = "自检管理员"
REGION = "610727"
HEAD = "自检户主"
CHECK_N = 2**14  # scrypt cost of the throwaway keyring (the real cost is tested elsewhere)


@dataclass
class Step:
    """One step of the self-check and how it went."""

    name: str
    ok: bool
    detail: str
    seconds: float


@dataclass
class Report:
    """All steps; ``ok`` when each passed."""

    steps: list[Step] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.steps) and all(s.ok for s in self.steps)


class _Context:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.db_path = folder / "selfcheck.db"
        self.db: Any = None
        self.key: bytes | None = None
        self.user_id: str | None = None
        self.household_id: str | None = None


def _step_resources(ctx: _Context) -> str:
    from desktop.domain.codes import code_table
    from desktop.domain.policy import available_years, policy_year
    from desktop.domain.resources import resource_path, resources_root
    from desktop.store.db import MIGRATIONS_DIR

    years = available_years()
    if not years:
        raise RuntimeError(f"没有政策年度文件: {resources_root()}")
    policy_year(years[-1])
    relations = code_table("relation").codes()
    if not relations:
        raise RuntimeError("代码表 relation 为空")
    if not list((MIGRATIONS_DIR / "versions").glob("*.py")):
        raise RuntimeError(f"找不到数据库迁移脚本: {MIGRATIONS_DIR}")
    translations = resource_path("translations")
    qm = sorted(p.name for p in translations.glob("*.qm")) if translations.is_dir() else []
    return f"政策年度 {years}, 代码表可读, 迁移脚本在, 翻译 {qm or '无'} ({resources_root()})"


def _step_enroll(ctx: _Context) -> str:
    from desktop.store.crypto import is_encrypted_file
    from desktop.store.signin import enroll_database

    enrollment = enroll_database(ctx.db_path, ADMIN, PIN, n=CHECK_N, user_n=CHECK_N)
    enrollment.db.dispose()
    ctx.user_id = enrollment.user.id
    if not is_encrypted_file(ctx.db_path):
        raise RuntimeError("数据库文件没有加密")
    return f"SQLCipher 加密数据库已建立, 恢复密钥 {len(enrollment.recovery_key)} 字符"


def _step_unlock(ctx: _Context) -> str:
    from desktop.store.db import current_revision, head_revision
    from desktop.store.signin import unlock_database

    assert ctx.user_id is not None
    signed = unlock_database(ctx.db_path, ctx.user_id, PIN, sleep=lambda _s: None)
    if signed.db is None:
        raise RuntimeError(signed.result.message)
    ctx.db, ctx.key = signed.db, signed.key
    revision = current_revision(ctx.db.engine)
    if revision != head_revision():
        raise RuntimeError(f"迁移未完成: {revision} != {head_revision()}")
    return f"PIN 解锁, 结构版本 {revision}"


def _step_save(ctx: _Context) -> str:
    from desktop.domain.audit import audit_household
    from desktop.domain.idcard import make_id_number
    from desktop.domain.policy import available_years, policy_year
    from desktop.store.db import registry_writer
    from desktop.store.models import Division, Household, Income, Member
    from desktop.store.save import save_household
    from desktop.store.settings import POLICY_YEAR_KEY, set_setting, working_policy

    seed = policy_year(available_years()[0])  # the seed year's file in resources/policy
    with ctx.db.session() as session:
        with registry_writer(session, "selfcheck"):
            county = Division(code=f"{REGION}000000", level="county", name="略阳县")
            town = Division(
                code=f"{REGION}100000", level="township", name="接官亭镇", parent=county
            )
            village = Division(code=f"{REGION}100201", level="village", name="自检村", parent=town)
            session.add_all([county, town, village])
            set_setting(session, POLICY_YEAR_KEY, str(seed.year))
            session.commit()
        household = Household(
            household_number=f"{REGION}1002010001", village=village, status="poor"
        )
        for name, sex, relation, born, seq in (
            (HEAD, "1", "01", date(1970, 5, 1), 11),
            ("自检配偶", "2", "02", date(1972, 3, 9), 12),
        ):
            household.members.append(
                Member(
                    name=name,
                    sex=sex,
                    relation=relation,
                    birth_date=born,
                    id_number=make_id_number(REGION, born, seq, sex),
                )
            )
        household.incomes.append(
            Income(
                policy_year=seed.year,
                period_start=seed.income_period_start,
                period_end=seed.income_period_end,
                wage_income=Decimal("3000"),
                transfer_income=Decimal("1200"),
                production_costs=Decimal("200"),
            )
        )
        policy = working_policy(session)
        findings = audit_household(household, policy=policy)
        # the audit ran (policy data and rules are in place); what it thinks of this made-up
        # family does not decide whether the installation works
        result = save_household(
            session, household, actor=ADMIN, reason="安装自检", validator=lambda _h: []
        )
        ctx.household_id = result.household_id
    return (
        f"户已保存, {policy.year} 年度审核规则 {len(findings)} 个提示, "
        f"一簿 {result.ledger_entries} 条, 待同步 {len(result.change_ids)} 条"
    )


def _step_search(ctx: _Context) -> str:
    from desktop.store.search import search_households

    with ctx.db.session() as session:
        by_name = search_households(session, HEAD)
        by_pinyin = search_households(session, "zjhz")
    if ctx.household_id not in by_name or ctx.household_id not in by_pinyin:
        raise RuntimeError(f"搜索找不到刚保存的户: {by_name} {by_pinyin}")
    return "按姓名和拼音首字母都能找到"


def _step_card(ctx: _Context) -> str:
    try:
        from desktop.cards.service import print_cards
    except ImportError:
        return "跳过: 本版本没有户卡模块 (desktop.cards)"
    out = ctx.folder / "card.pdf"
    with ctx.db.session() as session:
        result = print_cards(session, [ctx.household_id], out, actor=ADMIN)
    data = out.read_bytes()
    if not data.startswith(b"%PDF") or len(data) < 1000:
        raise RuntimeError(f"户卡 PDF 不完整 ({len(data)} 字节)")
    return f"户卡 PDF {len(data)} 字节, {result.sheet.pages} 页"


def _step_backup(ctx: _Context) -> str:
    from desktop.store.backup import backup_now, restore_backup

    info = backup_now(ctx.db)
    restored = ctx.folder / "restored.db"
    result = restore_backup(info.path, restored, key=ctx.key)
    if result.households != 1:
        raise RuntimeError(f"恢复后的户数是 {result.households}")
    return f"备份 {info.path.name} 并恢复, 户数 {result.households}, 一簿 {result.ledger_entries}"


def _step_gui(ctx: _Context) -> str:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import desktop.ui.app as app_module
    from desktop.ui.signin import SignInDialog
    from desktop.ui.tasks import ImmediateTaskRunner

    qt_app = app_module.QApplication.instance() or app_module.QApplication([sys.argv[0]])
    translators = app_module.install_translators(qt_app, app_module.DEFAULT_LANGUAGE)
    dialog = SignInDialog(ImmediateTaskRunner())
    dialog.show()
    image = dialog.grab().toImage()
    dialog.close()
    if image.isNull() or image.width() < 100:
        raise RuntimeError("登录窗口无法绘制")
    platform = qt_app.platformName()
    return (
        f"Qt 平台 {platform}, 登录窗口 {image.width()}x{image.height()}, 翻译 {len(translators)} 个"
    )


STEPS: tuple[tuple[str, Callable[[_Context], str]], ...] = (
    ("资源文件", _step_resources),
    ("加密登记", _step_enroll),
    ("解锁与迁移", _step_unlock),
    ("保存一户", _step_save),
    ("搜索", _step_search),
    ("户卡 PDF", _step_card),
    ("备份与恢复", _step_backup),
    ("界面 (offscreen)", _step_gui),
)
NEEDS_DATABASE = {"保存一户", "搜索", "户卡 PDF", "备份与恢复"}


def run_self_check(
    *, out: TextIO | None = None, gui: bool = True, folder: Path | None = None
) -> Report:
    """Run every step (the GUI one only with ``gui``) and print one line per step to ``out``."""
    out = out or sys.stdout
    report = Report()
    with contextlib.ExitStack() as stack:
        if folder is None:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="fieldbook-")))
        ctx = _Context(folder)
        for name, run in STEPS:
            if name.startswith("界面") and not gui:
                continue
            if name in NEEDS_DATABASE and ctx.db is None:
                step = Step(name, False, "数据库没有打开, 未执行", 0.0)
            else:
                started = time.perf_counter()
                try:
                    step = Step(name, True, run(ctx), time.perf_counter() - started)
                except Exception as exc:  # every failure is reported, then the next step runs
                    detail = f"{type(exc).__name__}: {exc}"
                    if os.environ.get("FIELDBOOK_SELF_CHECK_TRACE"):
                        detail += "\n" + traceback.format_exc()
                    step = Step(name, False, detail, time.perf_counter() - started)
            report.steps.append(step)
            mark = "通过" if step.ok else "失败"
            out.write(f"[{mark}] {step.name} ({step.seconds * 1000:.0f} ms): {step.detail}\n")
            out.flush()
        if ctx.db is not None:
            ctx.db.dispose()
    out.write("自检通过\n" if report.ok else "自检失败\n")
    out.flush()
    return report
