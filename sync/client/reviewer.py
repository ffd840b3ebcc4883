"""The township reviewer's requests: the conflicts of the assigned villages, their
resolution, and the county's reports (``sync.conflicts`` builds the reviewer's screen on them).
"""

from __future__ import annotations

import json
from typing import Any

from sync.client.transport import Transport
from sync.protocol import (
    CONFLICTS_PATH,
    CONFLICTS_REPORT_PATH,
    PROBLEMS_REPORT_PATH,
    PROGRESS_REPORT_PATH,
    QUOTA_REPORT_PATH,
    RESOLVE_PATH,
    ConflictItem,
    ConflictList,
    ConflictsReport,
    ProblemsReport,
    ProgressReport,
    QuotaReport,
    ResolveRequest,
    ResolveResponse,
    WireModel,
)

REPORTS: dict[str, tuple[str, type[WireModel]]] = {
    "progress": (PROGRESS_REPORT_PATH, ProgressReport),
    "quota": (QUOTA_REPORT_PATH, QuotaReport),
    "problems": (PROBLEMS_REPORT_PATH, ProblemsReport),
    "conflicts": (CONFLICTS_REPORT_PATH, ConflictsReport),
}
"""The county reports by name: path and answer model."""


class Reviewing(Transport):
    """Conflicts and reports for the township reviewer."""

    def conflicts(self, village: str | None = None, *, status: str = "open") -> list[ConflictItem]:
        """The conflicts of one assigned village, or of all of them, oldest first."""
        _device_id, token, url = self._credentials()
        villages = [village] if village else self.villages()
        items: list[ConflictItem] = []
        for code in villages:
            response = self._request(
                "GET",
                url,
                CONFLICTS_PATH,
                params={"village": code, "status": status},
                headers=self._auth_headers(token),
            )
            items.extend(ConflictList.model_validate_json(response.content).conflicts)
        return sorted(items, key=lambda item: item.id)

    def resolve(
        self, conflict_id: int, value: Any, change_id: str | None = None
    ) -> ResolveResponse:
        """Close a conflict whose chosen value the server already holds (``sync.conflicts``)."""
        _device_id, token, url = self._credentials()
        body = ResolveRequest(value=value, change_id=change_id)
        response = self._request(
            "POST",
            url,
            RESOLVE_PATH.format(conflict_id=conflict_id),
            content=json.dumps(body.model_dump(mode="json"), ensure_ascii=False).encode(),
            headers={**self._auth_headers(token), "Content-Type": "application/json"},
        )
        return ResolveResponse.model_validate_json(response.content)

    def report(self, kind: str, village: str | None = None) -> WireModel:
        """One county report (``progress``, ``quota``, ``problems``, ``conflicts``)."""
        if kind not in REPORTS:
            raise ValueError(f"unknown report {kind!r}; one of {', '.join(REPORTS)}")
        path, model = REPORTS[kind]
        _device_id, token, url = self._credentials()
        params = {"village": village} if village else None
        response = self._request("GET", url, path, params=params, headers=self._auth_headers(token))
        return model.model_validate_json(response.content)
