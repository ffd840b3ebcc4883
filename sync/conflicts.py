"""The township reviewer's conflicts: what each one is about, in words, and resolving one.

A conflict is a field two laptops set to different values: the server kept the first value it
received ("theirs", ``server_value``) and kept the other laptop's value for the reviewer ("mine",
``incoming_value``, the value that lost), with the value both started from (``base_value``).
``load_conflicts`` fetches the open conflicts of the reviewer's villages and describes each with
what the reviewer's laptop knows: the household's number and head, the field's Chinese name, the
values as a person reads them (code labels, 是/否), who wrote each side and when.

``resolve`` carries out a decision (SYNC.md: a resolution is an ordinary change with the current
base version):

1. pull, so the laptop's record is at the server's current version;
2. if the chosen value differs from the record's, write it through the save path
   (``save_village_rows``: booked in the household book with the reason 冲突裁决, queued in the
   outbox with the current version as its base);
3. push: if someone changed the field meanwhile, the push answers ``conflict`` and nothing is
   overwritten unseen (``ResolutionFailed``: reload and decide again);
4. ask the server to close the conflict, which it does only once its record holds the value.

Every step can be repeated: a reviewer whose network failed halfway just presses again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from desktop.store.db import Database
from desktop.store.models import Division, Household, Member, OutboxChange
from desktop.store.sync_apply import (
    WireValueError,
    canonical_fields,
    from_wire,
    household_id_of,
    model_for,
    reindex,
    row_values,
    village_code_of,
)
from sync.client import SyncClient
from sync.client.transport import SyncError
from sync.merge import DELETED
from sync.protocol import ConflictItem, ErrorCode, ResolveResponse

RESOLUTION_REASON = "冲突裁决"


class ResolutionFailed(Exception):
    """A decision could not be carried out; ``message`` says why, in Chinese."""

    def __init__(self, message: str, *, code: ErrorCode | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class ConflictRow:
    """One open conflict as the reviewer's screen shows it."""

    item: ConflictItem
    village_name: str
    household_number: str
    head_name: str
    entity_label: str
    field_label: str
    base_text: str
    server_text: str
    incoming_text: str
    incoming_by: str
    incoming_at: str
    server_by: str
    server_at: str
    record_label: str = ""

    @property
    def id(self) -> int:
        return self.item.id

    @property
    def subject(self) -> str:
        """What the field belongs to and the field: 户·联系电话, 成员 李秀英·姓名."""
        record = f"{self.entity_label} {self.record_label}".strip()
        return f"{record}·{self.field_label}"

    @property
    def server_side(self) -> str:
        """Who wrote the server's value and when."""
        return " ".join(part for part in (self.server_by, self.server_at) if part)

    @property
    def incoming_side(self) -> str:
        """Which laptop sent the other value and when its worker saved it."""
        return " ".join(part for part in (self.incoming_by, self.incoming_at) if part)


def field_label(entity: str, field: str) -> str:
    """The Chinese name of a field (the household book's names)."""
    from desktop.cards.labels import field_label as book_label

    if field == DELETED:
        return "删除"
    return book_label(field)


def entity_label(entity: str) -> str:
    """The Chinese name of an entity (户, 成员, 收入 …)."""
    from desktop.cards.labels import entity_label as book_entity

    return book_entity(entity)


def value_text(field: str, value: Any) -> str:
    """A wire value as a person reads it: code labels, 是/否, lists joined; unmasked (the
    reviewer decides between two ID numbers and must see them)."""
    from desktop.cards.labels import CODED_FIELDS
    from desktop.domain.codes import CodeTableError, code_table

    if value is None or value == "" or value == []:
        return "(空)"
    if isinstance(value, bool):
        return "是" if value else "否"
    values = value if isinstance(value, list) else [value]
    table_name = CODED_FIELDS.get(field)
    if table_name is not None:
        try:
            table = code_table(table_name)
            return "、".join(
                f"{v} {table.label(str(v))}" if str(v) in table else str(v) for v in values
            )
        except CodeTableError:
            pass
    return "、".join(str(v) for v in values)


def hlc_text(edited_at: str | None) -> str:
    """The laptop's clock at the edit (the hybrid clock ``ms-counter``), as local time text."""
    if not edited_at:
        return ""
    try:
        millis = int(edited_at.split("-")[0])
        moment = dt.datetime.fromtimestamp(millis / 1000)
    except (ValueError, OverflowError, OSError):
        return edited_at
    return moment.strftime("%Y-%m-%d %H:%M")


def _local_time(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone().strftime("%Y-%m-%d %H:%M")


def describe(db: Database, items: list[ConflictItem]) -> list[ConflictRow]:
    """The conflicts with what this laptop knows of their households and villages."""
    with db.session() as session:
        villages = dict(
            session.execute(
                select(Division.code, Division.name).where(Division.level == "village")
            ).all()
        )
        members = dict(
            session.execute(
                select(Member.id, Member.name).where(
                    Member.id.in_({i.entity_id for i in items if i.entity == "members"})
                )
            ).all()
        )
        households: dict[str, tuple[str, str]] = {}
        ids = {item.household_id for item in items if item.household_id}
        if ids:
            for household_id, number, head in session.execute(
                select(Household.id, Household.household_number, Household.head_name).where(
                    Household.id.in_(ids)
                )
            ):
                households[household_id] = (number, head or "")
    rows = []
    for item in items:
        number, head = households.get(item.household_id or "", ("", ""))
        rows.append(
            ConflictRow(
                item=item,
                village_name=villages.get(item.village_code or "", item.village_code or ""),
                household_number=number,
                head_name=head,
                entity_label=entity_label(item.entity),
                field_label=field_label(item.entity, item.field),
                base_text=value_text(item.field, item.base_value),
                server_text=value_text(item.field, item.server_value),
                incoming_text=value_text(item.field, item.incoming_value),
                incoming_by=item.device_name or item.device_id,
                incoming_at=hlc_text(item.edited_at),
                server_by=item.server_origin or "",
                server_at=_local_time(item.server_changed_at),
                record_label=members.get(item.entity_id, "") if item.entity == "members" else "",
            )
        )
    return rows


def load_conflicts(
    db: Database, client: SyncClient, village: str | None = None
) -> list[ConflictRow]:
    """The open conflicts of one of the reviewer's villages (or all), described."""
    return describe(db, client.conflicts(village))


@dataclass(frozen=True)
class Resolution:
    """What carrying out a decision did."""

    conflict_ids: list[int]
    value: Any
    change_id: str | None


def resolve(
    db: Database, client: SyncClient, conflict: ConflictItem, value: Any, *, actor: str
) -> Resolution:
    """Carry out the reviewer's decision ``value`` on ``conflict`` (see the module docstring).

    Raises ``ResolutionFailed`` (Chinese message) or ``SyncError`` (the network, the server).
    """
    client.pull()
    model = model_for(conflict.entity)
    if model is None:
        raise ResolutionFailed(f"本机不认识这类数据: {conflict.entity}")
    if conflict.field != DELETED:
        try:
            value = canonical_fields(conflict.entity, {conflict.field: value})[conflict.field]
        except WireValueError as exc:
            raise ResolutionFailed(
                f"{field_label(conflict.entity, conflict.field)}: {exc.message}"
            ) from exc
    elif not isinstance(value, bool):
        raise ResolutionFailed("删除与否应为 是 或 否")
    # Only the local write goes to the writer: pull and push hand their own writes to it.
    change_id = db.writer.call(_write_decision, db, model, conflict, value, actor=actor)
    if change_id is not None:
        client.push()
        with db.session() as session:
            state = session.scalar(
                select(OutboxChange.state).where(OutboxChange.change_id == change_id)
            )
        if state == "conflict":
            raise ResolutionFailed(
                "裁决时这个字段又被别人修改了, 服务器保留了新的值; 请刷新冲突清单后重新裁决",
                code=ErrorCode.RESOLUTION_NOT_APPLIED,
            )
        if state == "refused":
            raise ResolutionFailed("服务器拒绝了裁决的修改, 请查看同步回执中的原因")
        if state == "pending":
            raise ResolutionFailed("裁决的修改还没有上传到服务器, 请检查网络后再试")
    try:
        answer: ResolveResponse = client.resolve(conflict.id, value, change_id)
    except SyncError as exc:
        if exc.code is ErrorCode.RESOLUTION_NOT_APPLIED:
            raise ResolutionFailed(exc.message, code=exc.code) from exc
        raise
    return Resolution(conflict_ids=answer.resolved, value=answer.value, change_id=change_id)


def _write_decision(
    db: Database, model: type, conflict: ConflictItem, value: Any, *, actor: str
) -> str | None:
    """Write the chosen value through the save path; the change's id, or ``None`` when the
    record already holds it (the server's own value was chosen)."""
    from desktop.store.save import save_village_rows

    with db.session() as session:
        row = session.get(model, conflict.entity_id)
        if row is None:
            raise ResolutionFailed("本机没有这条记录, 请先同步所负责的村")
        current = row.deleted if conflict.field == DELETED else row_values(row, [conflict.field])
        if conflict.field != DELETED:
            current = current.get(conflict.field)
        if current == value:
            return None
        with session.no_autoflush:
            setattr(
                row,
                conflict.field,
                from_wire(model, conflict.field, value) if conflict.field != DELETED else value,
            )
            code = village_code_of(session, conflict.entity, lambda name: getattr(row, name))
            village = (
                session.scalars(select(Division).where(Division.code == code)).first()
                if code
                else None
            )
            household_id = household_id_of(session, row)
        result = save_village_rows(
            session,
            village,
            [row],
            actor=actor,
            reason=RESOLUTION_REASON,
            household_id=household_id,
        )
    if household_id:
        with db.session() as session:
            reindex(session, [household_id])
            session.commit()
    return result.change_ids[0] if result.change_ids else None
