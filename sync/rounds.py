"""One round of sync on an open laptop database, and its receipt.

``run_sync`` pushes the outbox, drops the villages the county moved away, downloads a village
whose first download was cut (or is new) and pulls. ``receipt_payload`` is the receipt as plain
data (the CLI's ``--json``, the sync dialog and its PDF), ``receipt_text`` as the lines a person
reads.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any


def receipt_payload(pushed: Any, pulled: Any | None) -> dict[str, Any]:
    """The receipt of a sync as plain data (the CLI's ``--json`` and the dialog's PDF)."""
    payload = {
        "sent": pushed.sent,
        "applied": pushed.applied,
        "merged": pushed.merged,
        "duplicate": pushed.duplicate,
        "conflicts": pushed.conflicts,
        "refused": pushed.refused,
        "batches": pushed.batches,
        "cancelled": pushed.cancelled or bool(pulled and pulled.cancelled),
        "refusals": [asdict(r) for r in pushed.refusals],
    }
    if pulled is not None:
        payload["pulled"] = pulled.changes
        payload["pull_pages"] = pulled.pages
        payload["cursors"] = pulled.cursors
    return payload


def receipt_text(payload: dict[str, Any]) -> str:
    """The receipt as the lines a person reads."""
    lines = [
        f"上传 {payload['sent']} 条: 已应用 {payload['applied']}, 已合并 {payload['merged']}, "
        f"重复 {payload['duplicate']}, 冲突 {payload['conflicts']}, 被拒 {payload['refused']}",
    ]
    if "pulled" in payload:
        lines.append(f"下载 {payload['pulled']} 条修改")
    for refusal in payload["refusals"]:
        lines.append(f"  被拒: {refusal['entity']} {refusal['entity_id']}: {refusal['message']}")
    if payload["conflicts"]:
        lines.append("有冲突的字段已保留服务器的值, 本机的值交乡镇审核员裁决")
    if payload["cancelled"]:
        lines.append("同步已取消, 其余修改下次同步时上传")
    lines += [release["message"] for release in payload.get("reassigned", ())]
    return "\n".join(lines)


def run_sync(
    db: Any, *, batch_size: int = 200, pull: bool = True, retries: int = 4
) -> dict[str, Any]:
    """Push, then pull, on an open laptop database; the receipt as ``receipt_payload``.

    Raises ``sync.client.transport.SyncError``.
    """
    from sync.client import SyncClient
    from sync.provision import download_villages
    from sync.reassign import release_villages

    with SyncClient(db, batch_size=batch_size, max_attempts=retries + 1) as client:
        pushed = client.push()
        # the villages the county assigns now: one moved away is dropped once nothing is unsent
        released = release_villages(db, client.status().villages)
        if pull:  # a village whose first download was cut (or is new) comes by snapshot first
            download_villages(client)
        pulled = client.pull() if pull else None
    payload = receipt_payload(pushed, pulled)
    payload["reassigned"] = [{**asdict(r), "message": r.message} for r in released]
    return payload
