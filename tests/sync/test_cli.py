"""``fieldbook-server`` from the console: enrollment codes (text and QR), devices, revocation."""

from __future__ import annotations

import json

from sync.protocol import ENROLLMENT_PREFIX, decode_enrollment
from sync.server import cli
from sync.server.db import open_server_database
from sync.server.devices import redeem_enrollment_code
from tests.sync.conftest import EAST, WEST


def test_enroll_prints_a_one_time_code_that_carries_the_server_address_and_writes_a_qr(
    tmp_path, capsys
):
    db_url = f"sqlite:///{tmp_path / 'server.db'}"
    qr = tmp_path / "code.png"

    status = cli.main(
        ["enroll", "--db", db_url, "--name", "东街-1", "--villages", EAST, WEST,
         "--server-url", "https://sync.example.cn", "--qr", str(qr)]
    )  # fmt: skip

    text = capsys.readouterr().out.strip()
    assert status == 0 and text.startswith(ENROLLMENT_PREFIX)
    code, url = decode_enrollment(text)
    assert url == "https://sync.example.cn"
    assert qr.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    database = open_server_database(db_url)
    with database.session() as session:
        enrolled = redeem_enrollment_code(session, code)
    assert (enrolled.device.name, enrolled.device.villages) == ("东街-1", [EAST, WEST])
    database.dispose()


def test_devices_lists_enrolled_laptops_and_revoke_marks_one_revoked(tmp_path, capsys):
    db_url = f"sqlite:///{tmp_path / 'server.db'}"
    cli.main(["enroll", "--db", db_url, "--name", "东街-1", "--villages", EAST])
    code, _url = decode_enrollment(capsys.readouterr().out.strip())
    database = open_server_database(db_url)
    with database.session() as session:
        device_id = redeem_enrollment_code(session, code).device.device_id
    database.dispose()

    assert cli.main(["revoke", "--db", db_url, device_id]) == 0
    capsys.readouterr()
    assert cli.main(["devices", "--db", db_url, "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert cli.main(["revoke", "--db", db_url, "no-such-device"]) == 1

    assert [(d["device_id"], d["name"], d["villages"], d["revoked"]) for d in listed] == [
        (device_id, "东街-1", [EAST], True)
    ]


def test_enroll_gives_a_reviewer_role_when_asked_and_refuses_an_unknown_one(tmp_path, capsys):
    import pytest

    db_url = f"sqlite:///{tmp_path / 'server.db'}"
    assert cli.main(["enroll", "--db", db_url, "--name", "城关审核", "--villages", EAST,
                     "--role", "reviewer"]) == 0  # fmt: skip
    code, _url = decode_enrollment(capsys.readouterr().out.strip())
    database = open_server_database(db_url)
    with database.session() as session:
        enrolled = redeem_enrollment_code(session, code)
    database.dispose()
    with pytest.raises(SystemExit) as usage:
        cli.main(["enroll", "--db", db_url, "--name", "x", "--villages", EAST, "--role", "boss"])

    assert enrolled.device.role == "reviewer"
    assert usage.value.code == 2
