"""The sync receipt as a printed page: what one end-of-day sync sent and what became of it.

The field worker and the township reviewer sign it; it lists how many changes went up and how
the server answered them (applied, merged, duplicate, conflicts, refused), each refused change
with its reason, and how many changes came down. ``build_receipt_pdf(payload, out)`` takes the
plain data of ``sync.rounds.receipt_payload`` (plus the context keys below) and writes an A5
page with reportlab and the desktop's Chinese font (``desktop.cards.fonts``).

Context keys the dialog adds: ``device`` (the laptop's enrolled name), ``server`` (its address),
``started_at`` and ``finished_at`` (ISO text, local time).

A refused change is listed by its household's number and head (``name_refusals`` fills them in
from the laptop's own database when the push is answered: the server never sends a name) and the
server's reason, e.g. a rule the merged household broke (``RULE_BROKEN``, the rule's message).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

OUTCOME_LABELS = (
    ("sent", "上传修改"),
    ("applied", "已应用"),
    ("merged", "已合并"),
    ("duplicate", "重复(以前已收到)"),
    ("conflicts", "冲突(交审核员裁决)"),
    ("refused", "被拒"),
    ("pulled", "下载修改"),
)
MAX_REFUSALS_LISTED = 20


def name_refusals(session: Any, refusals: Iterable[Any]) -> None:
    """Fill in each refusal's ``household_number`` and ``head_name`` from the laptop's database
    (objects with those attributes, or dicts); a change that belongs to no household is left."""
    from desktop.store.models import Household
    from desktop.store.sync_apply import household_id_of, model_for

    for refusal in refusals:
        get = refusal.get if isinstance(refusal, dict) else lambda k, r=refusal: getattr(r, k)
        model = model_for(get("entity"))
        row = session.get(model, get("entity_id")) if model is not None else None
        household_id = household_id_of(session, row) if row is not None else None
        household = session.get(Household, household_id) if household_id else None
        if household is None:
            continue
        # the derived head name is empty while the household has no single head (the very
        # refusal may be about that): then the first member recorded as head names it
        heads = [m.name for m in household.current_members if m.relation == "01" and m.name]
        head = household.head_name or (heads[0] if heads else None)
        for key, value in (("household_number", household.household_number), ("head_name", head)):
            if isinstance(refusal, dict):
                refusal[key] = value
            else:
                setattr(refusal, key, value)


def refusal_line(refusal: dict[str, Any]) -> str:
    """One refused change as the receipt lists it: household number, head, the server's reason."""
    why = refusal.get("message") or refusal.get("code") or ""
    if refusal.get("household_number"):
        head = refusal.get("head_name") or "未填户主"
        return f"户 {refusal['household_number']} {head}(户主): {why}"
    return f"{refusal.get('entity', '')} {str(refusal.get('entity_id') or '')[:8]}: {why}"


def _when(text: str | None) -> str:
    if not text:
        return ""
    return text.replace("T", " ")[:16]


def receipt_lines(payload: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) rows of the receipt, in print order."""
    rows = [
        ("设备", str(payload.get("device", ""))),
        ("服务器", str(payload.get("server", ""))),
        ("开始时间", _when(payload.get("started_at"))),
        ("结束时间", _when(payload.get("finished_at"))),
    ]
    rows += [(label, str(payload[key])) for key, label in OUTCOME_LABELS if key in payload]
    if payload.get("cancelled"):
        rows.append(("状态", "已取消: 其余修改下次同步时上传"))
    rows += [
        ("新分配的村", f"{village['label']} 已下载 {village['rows']} 条")
        for village in payload.get("downloaded", ())
    ]
    rows += [("改派", release["message"]) for release in payload.get("reassigned", ())]
    return rows


def build_receipt_pdf(payload: dict[str, Any], out: Path | str | BinaryIO) -> None:
    """Write the receipt page (A5) to ``out`` (a path, written atomically, or a binary file)."""
    from reportlab.lib.pagesizes import A5

    from desktop.cards.fonts import cjk_font
    from desktop.cards.pdf import MM, fit_text, new_canvas, write_output

    font = cjk_font().name
    width, height = A5
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, A5, "同步回执")
    margin = 14 * MM
    y = height - margin
    canvas.setFont(font, 16)
    canvas.drawCentredString(width / 2, y, "建档立卡动态管理 同步回执")
    y -= 12 * MM
    for label, value in receipt_lines(payload):
        canvas.setFont(font, 10.5)
        canvas.drawString(margin, y, label)
        text, size = fit_text(value, font, 10.5, width - 2 * margin - 36 * MM, 7)
        canvas.setFont(font, size)
        canvas.drawString(margin + 36 * MM, y, text)
        y -= 7 * MM
    refusals = payload.get("refusals") or []
    if refusals:
        y -= 3 * MM
        canvas.setFont(font, 11)
        canvas.drawString(margin, y, f"被拒的修改 ({len(refusals)} 条, 本机仍保留所填内容):")
        y -= 6 * MM
        for refusal in refusals[:MAX_REFUSALS_LISTED]:
            line = refusal_line(refusal)
            text, size = fit_text(line, font, 9, width - 2 * margin, 6)
            canvas.setFont(font, size)
            canvas.drawString(margin, y, text)
            y -= 5 * MM
            if y < 40 * MM:
                break
    if payload.get("conflicts"):
        y -= 3 * MM
        canvas.setFont(font, 9.5)
        canvas.drawString(margin, y, "有冲突的字段已保留服务器上的值, 本机的值已交乡镇审核员裁决。")
    canvas.setFont(font, 10.5)
    canvas.drawString(margin, 22 * MM, "同步人: ____________")
    canvas.drawString(width / 2, 22 * MM, "审核人: ____________")
    canvas.showPage()
    canvas.save()
    write_output(buffer.getvalue(), out)
