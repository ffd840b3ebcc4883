"""``fieldbook enroll``, ``fieldbook sync`` and ``fieldbook bundle`` (``desktop.cli.sync``) through the
``fieldbook`` parser, with their exit codes: 0 done, 1 conflicts/refusals/server errors, 2 usage."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select

from desktop import cli
from desktop.store.models import OutboxChange, Setting
from sync.client.transport import SETTING_DEVICE_ID
from tests.sync.conftest import EAST


@pytest.fixture
def fieldbook(monkeypatch, capsys):
    """``fieldbook(*argv)`` -> (exit status, stdout, stderr), with ``desktop.cli.sync`` registered
    as the lead registers it in ``COMMAND_MODULES``."""
    if "desktop.cli.sync" not in cli.COMMAND_MODULES:
        monkeypatch.setattr(cli, "COMMAND_MODULES", (*cli.COMMAND_MODULES, "desktop.cli.sync"))

    def run(*argv: str) -> tuple[int, str, str]:
        status = cli.main(list(argv))
        out, err = capsys.readouterr()
        return status, out, err

    return run


def laptop_path(laptop) -> str:
    return laptop.db.engine.url.database


def test_enroll_then_sync_pushes_and_pulls_and_prints_the_receipt(server, make_laptop, fieldbook):
    laptop = make_laptop("东街-1")
    laptop.create_household("6104241002010001")
    code = server.enrollment_code("东街-1", [EAST])

    enrolled = fieldbook("enroll", "--db", laptop_path(laptop), code)
    synced = fieldbook("sync", "--db", laptop_path(laptop), "--json", "--batch-size", "3")
    again = fieldbook("sync", "--db", laptop_path(laptop))

    assert enrolled[0] == 0 and "已登记: 东街-1" in enrolled[1]
    assert synced[0] == 0
    receipt = json.loads(synced[1])
    assert (receipt["sent"], receipt["applied"], receipt["batches"]) == (4, 4, 2)
    assert receipt["pulled"] == 0  # its own changes come back in the feed: nothing new
    assert again[0] == 0 and "上传 0 条" in again[1]
    with laptop.db.session() as session:
        assert session.get(Setting, SETTING_DEVICE_ID) is not None
        assert set(session.scalars(select(OutboxChange.state))) == {"acked"}


def test_a_sync_with_a_conflict_exits_1_and_says_the_reviewer_decides(
    server, make_laptop, fieldbook
):
    a = make_laptop("东街-1", server)
    b = make_laptop("东街-2", server)
    saved = a.create_household("6104241002010001")
    a.client.push()
    b.client.pull()
    a.edit(saved.household_id, lambda h: setattr(h, "phone", "13711111111"))
    b.edit(saved.household_id, lambda h: setattr(h, "phone", "13622222222"))
    a.client.push()

    status, out, _err = fieldbook("sync", "--db", laptop_path(b))

    assert status == 1
    assert "冲突 1" in out and "乡镇审核员裁决" in out


def test_usage_errors_exit_2_with_a_chinese_message(make_laptop, fieldbook, tmp_path):
    laptop = make_laptop("未登记")
    laptop.create_household("6104241002010001")

    missing = fieldbook("sync", "--db", str(tmp_path / "nowhere.db"))
    not_enrolled = fieldbook("sync", "--db", laptop_path(laptop))
    bad_code = fieldbook("enroll", "--db", laptop_path(laptop), "FBE1:%%%")
    no_action = fieldbook("bundle", "--json")
    not_a_bundle = tmp_path / "x.fbbundle"
    not_a_bundle.write_text("{}")
    bad_bundle = fieldbook("bundle", "import", "--db", laptop_path(laptop), str(not_a_bundle))

    assert missing[0] == 2 and "找不到数据库文件" in missing[2]
    assert not_enrolled[0] == 2 and "尚未登记" in not_enrolled[2]
    assert bad_code[0] == 2 and "登记码无效" in bad_code[2]
    assert no_action[0] == 2
    assert bad_bundle[0] == 2 and "数据包" in bad_bundle[2]


def test_an_unreachable_server_exits_1_and_keeps_the_outbox(server, make_laptop, fieldbook):
    laptop = make_laptop("东街-1", server, max_attempts=1)
    laptop.create_household("6104241002010001")
    with laptop.db.session() as session:
        session.merge(Setting(key="sync.server_url", value="http://127.0.0.1:9"))
        session.commit()

    status, out, err = fieldbook("sync", "--db", laptop_path(laptop), "--json", "--retries", "0")

    assert status == 1
    assert json.loads(out)["error"]["code"] == "NETWORK" and "无法连接服务器" in err
    with laptop.db.session() as session:
        assert set(session.scalars(select(OutboxChange.state))) == {"pending"}


def test_a_refused_enrolment_on_a_new_path_leaves_no_file_behind(
    server, make_laptop, fieldbook, monkeypatch, tmp_path
):
    code = server.enrollment_code("东街-1", [EAST])
    first = make_laptop("东街-1")
    assert fieldbook("enroll", "--db", laptop_path(first), code)[0] == 0  # the code is used now
    folder = tmp_path / "new"
    path = folder / "laptop.db"
    monkeypatch.setattr("sys.stdin", io.StringIO("24680135\n"))

    status, out, err = fieldbook("enroll", "--db", str(path), "--user", "王芳", "--json", code)

    assert status == 1
    assert json.loads(out)["error"]["code"] != "ENROLLMENT_CODE_INVALID" and err
    assert "恢复密钥" not in out  # no key is shown for a database that is not kept
    assert not folder.exists()


def test_bundle_export_and_import_through_the_commands(server, make_laptop, fieldbook, tmp_path):
    field = make_laptop("山里-1", server)
    field.create_household("6104241002010001")
    township = make_laptop("乡镇", server)
    bundle = tmp_path / "山里-1.fbbundle"

    exported = fieldbook("bundle", "export", "--db", laptop_path(field), "--out", str(bundle))
    imported = fieldbook("bundle", "import", "--db", laptop_path(township), str(bundle), "--json")
    twice = fieldbook("bundle", "import", "--db", laptop_path(township), str(bundle))
    empty = fieldbook(
        "bundle", "export", "--db", laptop_path(township), "--out", str(tmp_path / "e")
    )

    assert exported[0] == 0 and "已导出 4 条修改" in exported[1]
    assert imported[0] == 0 and json.loads(imported[1])["applied"] == 4
    assert twice[0] == 0 and "重复 4" in twice[1]
    assert empty[0] == 0 and "没有未同步的修改" in empty[1]
