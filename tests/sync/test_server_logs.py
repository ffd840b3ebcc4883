"""The server's log on a real server: a request carrying an ID number leaves none in the file."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from desktop.logs import REDACTED_ID, LogSetup
from desktop.store.models import Household, new_id
from sync.protocol import PULL_PATH, PUSH_PATH
from sync.server.logs import configure_server_logging
from tests.sync.conftest import EAST, auth, credentials
from tests.sync.test_processes import SERVER, served

ID_NUMBER = "610424197005010011"


@pytest.fixture
def server_log(tmp_path: Path) -> Iterator[LogSetup]:
    setup = configure_server_logging(tmp_path / "server.log", console=False)
    yield setup
    setup.close()


def test_a_refused_id_number_and_one_in_a_url_never_reach_the_servers_log(
    server, make_laptop, server_log
):
    laptop = make_laptop("东街-1", server)
    saved = laptop.create_household("6104241002010001")
    laptop.client.push()
    with laptop.db.session() as session:
        member_id = session.get(Household, saved.household_id).members[0].id
    body = {
        "device_id": credentials(laptop)[0],
        "batch_id": new_id(),
        "first_seq": 5,
        "changes": [
            {
                "change_id": new_id(),
                "device_seq": 5,
                "entity": "members",
                "entity_id": member_id,
                "village_code": EAST,
                "op": "update",
                "base_version": 1,
                "fields": {"id_number": int(ID_NUMBER)},  # refused: not a string
                "edited_at": "0",
            }
        ],
    }

    with server.http() as http:
        pushed = http.post(PUSH_PATH, json=body, headers=auth(laptop, body["batch_id"]))
        pulled = http.get(f"{PULL_PATH}?since={ID_NUMBER}", headers=auth(laptop))
    server_log.handler.flush()

    assert pushed.status_code == 200 and pushed.json()["results"][0]["outcome"] == "refused"
    assert pulled.status_code < 500
    written = server_log.path.read_text(encoding="utf-8")
    entries = [json.loads(line) for line in written.splitlines()]
    access = [e["message"] for e in entries if e["logger"] == "uvicorn.access"]
    assert any(PUSH_PATH in line for line in access)
    assert any(f"{PULL_PATH}?since={REDACTED_ID}" in line for line in access)
    assert ID_NUMBER not in written


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_writes_its_log_file_with_the_id_number_of_a_url_redacted(tmp_path, workers):
    url = f"sqlite:///{tmp_path / 'server.db'}"
    assert subprocess.run([*SERVER, "migrate", "--db", url], check=False).returncode == 0
    log_file = tmp_path / "logs" / "server.log"

    with served(
        url, tmp_path / "console.txt", "--workers", workers, "--log-file", str(log_file)
    ) as base:
        answered = httpx.get(f"{base}{PULL_PATH}?since={ID_NUMBER}", timeout=10)

    assert 400 <= answered.status_code < 500
    status = str(answered.status_code)
    entries = [json.loads(line) for line in log_file.read_text(encoding="utf-8").splitlines()]
    access = [e["message"] for e in entries if e["logger"] == "uvicorn.access"]
    assert any(f"GET {PULL_PATH}?since={REDACTED_ID}" in line and status in line for line in access)
    printed = (tmp_path / "console.txt").read_text(encoding="utf-8", errors="replace")
    assert f"?since={REDACTED_ID}" in printed
    assert ID_NUMBER not in log_file.read_text(encoding="utf-8") and ID_NUMBER not in printed
