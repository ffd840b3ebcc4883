"""Malformed requests against the published OpenAPI description (schemathesis, negative data):
every malformed body gets a 4xx in the one error shape, no request gets a 5xx, and none writes
anything, on both backends. (A GET whose only parameters are optional may be answered 200: the
"negative" case schemathesis makes of it, e.g. an unnamed extra query parameter, is still a
valid request.)"""

from __future__ import annotations

from collections import Counter
from typing import Any

import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from sqlalchemy import func, select

from desktop.store.models import LedgerEntry, Setting
from sync.protocol import ErrorCode, ErrorResponse
from sync.server.models import ServerBase
from tests.sync.conftest import credentials, snapshot

EXAMPLES_PER_OPERATION = 10


def written(server) -> dict[str, Any]:
    """Everything a request could have written: registry rows, book, server tables, settings."""
    state: dict[str, Any] = {"registry": snapshot(server.db)}
    with server.db.session() as session:
        for table in ServerBase.metadata.sorted_tables:
            state[table.name] = sorted(map(tuple, session.execute(select(table)).all()), key=repr)
        state["ledger"] = session.scalar(select(func.count()).select_from(LedgerEntry))
        state["settings"] = sorted(session.scalars(select(Setting.key)))
    return state


def test_malformed_requests_get_a_4xx_in_the_error_shape_and_write_nothing(server, make_laptop):
    laptop = make_laptop("东街审核", server, role="reviewer")
    laptop.create_household("6104241002010001")
    laptop.client.push()
    token = credentials(laptop)[1]
    before = written(server)
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    statuses: Counter[int] = Counter()
    labels: Counter[str] = Counter()
    http = requests.Session()

    def fuzz(operation: Any) -> None:
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
        def check(case) -> None:
            headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
            response = case.call(base_url=server.url, session=http, headers=headers, timeout=30)
            statuses[response.status_code] += 1
            labels[operation.label] += 1
            assert response.status_code < 500, (case.as_curl_command(), response.text)
            if operation.method.upper() == "POST":
                assert response.status_code >= 400, (case.as_curl_command(), response.text)
            if response.status_code >= 400:
                body = ErrorResponse.model_validate(response.json())
                assert body.code in ErrorCode and body.message

        check()

    nothing_to_break = []
    for operation in operations:
        try:
            fuzz(operation)
        except Unsatisfiable:  # no parameter or body whose negation the server could see
            nothing_to_break.append(operation.label)

    assert len(operations) == 12  # with GET /v1/sync/snapshot
    assert {
        "POST /v1/sync/push",
        "POST /v1/sync/bundle",
        "POST /v1/enroll",
        "POST /v1/conflicts/{conflict_id}/resolve",
        "GET /v1/sync/pull",
        "GET /v1/conflicts",
    } <= set(labels), labels
    assert set(labels) | set(nothing_to_break) == {op.label for op in operations}
    assert {400, 403, 422} <= set(statuses) and max(statuses) < 500
    assert written(server) == before
