"""Enrolment: the one-time code exchanged for the laptop's identity, and what it keeps.

``enroll(code)`` exchanges the code (text ``FBE1:…`` or QR) for a device id and token and keeps
them, the server's address, the assigned villages, the county's CA file (if one was given) and
the laptop's Ed25519 signing key (for bundles) in the ``settings`` table; the county's card key
from the server replaces the laptop's, so cards verify across laptops. The signing key is made
and stored *before* the request, so a retry after a lost answer redeems the same code for the
same device. ``status()`` asks the server which villages the laptop holds now.
"""

from __future__ import annotations

import json
import socket
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.store.models import OutboxChange, Setting, SyncState
from sync.bundle import new_signing_key, public_key_of
from sync.client.transport import (
    SETTING_BUNDLE_KEY,
    SETTING_CA_FILE,
    SETTING_DEVICE_ID,
    SETTING_DEVICE_NAME,
    SETTING_ROLE,
    SETTING_SERVER_URL,
    SETTING_SIGNING_KEY,
    SETTING_TOKEN,
    SETTING_VILLAGES,
    SyncError,
    Transport,
)
from sync.protocol import (
    ENROLL_PATH,
    STATUS_PATH,
    EnrollRequest,
    EnrollResponse,
    ErrorCode,
    StatusResponse,
    decode_enrollment,
)


@dataclass
class Enrollment:
    """What the laptop keeps after enrolling."""

    device_id: str
    name: str
    villages: list[str]
    server_url: str
    role: str = "field_worker"
    card_key_replaced: bool = False


class Enrolling(Transport):
    """Enrol the laptop and read what it enrolled as."""

    def enrollment(self) -> Enrollment | None:
        """What this laptop enrolled as, or ``None`` before it enrolled."""
        settings = self._settings()
        if SETTING_TOKEN not in settings:
            return None
        return Enrollment(
            device_id=settings[SETTING_DEVICE_ID],
            name=settings.get(SETTING_DEVICE_NAME, ""),
            villages=json.loads(settings.get(SETTING_VILLAGES, "[]")),
            server_url=self._server_url(settings),
            role=settings.get(SETTING_ROLE, "field_worker"),
        )

    def enroll(self, code: str) -> Enrollment:
        """Exchange a one-time enrollment code (``FBE1:…`` text, or a bare code with ``base_url``)."""
        raw_code, url = decode_enrollment(code)
        url = (url or self.base_url or "").rstrip("/")
        if not url:
            raise SyncError(ErrorCode.ENROLLMENT_CODE_INVALID, "登记码中没有服务器地址")
        if self.ca_file:
            try:
                ssl.create_default_context(cafile=self.ca_file)
            except (OSError, ssl.SSLError) as exc:
                raise SyncError(
                    ErrorCode.NETWORK, f"无法读取县里的根证书文件 {self.ca_file}: {exc}"
                ) from exc

        def first_seq_and_key() -> tuple[int, str]:
            with self.db.session() as session:
                first_pending = session.scalar(
                    select(func.min(OutboxChange.device_seq)).where(OutboxChange.state == "pending")
                )
                last_seq = session.scalar(select(func.max(OutboxChange.device_seq))) or 0
                stored_key = session.get(Setting, SETTING_SIGNING_KEY)
                if stored_key is None:  # kept before asking, so a retry presents the same key
                    stored_key = Setting(key=SETTING_SIGNING_KEY, value=new_signing_key())
                    session.add(stored_key)
                    session.commit()
                return first_pending or last_seq + 1, public_key_of(stored_key.value)

        first_seq, public_key = self.db.writer.call(first_seq_and_key)
        request = EnrollRequest(
            code=raw_code,
            first_seq=first_seq,
            hostname=socket.gethostname()[:100] or None,
            public_key=public_key,
        )
        response = self._request(
            "POST",
            url,
            ENROLL_PATH,
            content=request.model_dump_json().encode(),
            headers={"Content-Type": "application/json"},
        )
        answer = EnrollResponse.model_validate_json(response.content)

        def store() -> bool:
            with self.db.session() as session:
                previous = session.get(Setting, SETTING_SERVER_URL)
                if previous is not None and previous.value != url:
                    # another server: its server_seq numbers mean nothing here
                    for state in session.scalars(select(SyncState)):
                        state.cursor = 0
                values = {
                    SETTING_DEVICE_ID: answer.device_id,
                    SETTING_DEVICE_NAME: answer.name,
                    SETTING_TOKEN: answer.token,
                    SETTING_SERVER_URL: url,
                    SETTING_VILLAGES: json.dumps(answer.villages, ensure_ascii=False),
                    SETTING_ROLE: answer.role,
                }
                if answer.bundle_key:
                    values[SETTING_BUNDLE_KEY] = answer.bundle_key
                if self.ca_file:
                    values[SETTING_CA_FILE] = str(Path(self.ca_file).resolve())
                for key, value in values.items():
                    session.merge(Setting(key=key, value=value))
                replaced = _take_county_keys(session, answer)
                session.commit()
                return replaced

        replaced = self.db.writer.call(store)
        self.base_url = url
        return Enrollment(
            device_id=answer.device_id,
            name=answer.name,
            villages=answer.villages,
            server_url=url,
            role=answer.role,
            card_key_replaced=replaced,
        )

    def status(self) -> StatusResponse:
        """The server's view of this laptop (and stores the villages it assigns now)."""
        _device_id, token, url = self._credentials()
        response = self._request("GET", url, STATUS_PATH, headers=self._auth_headers(token))
        status = StatusResponse.model_validate_json(response.content)
        villages = json.dumps(status.villages, ensure_ascii=False)

        def store() -> None:
            with self.db.session() as session:
                session.merge(Setting(key=SETTING_VILLAGES, value=villages))
                session.commit()

        self.db.writer.call(store)
        return status

    def village_labels(self, codes: Iterable[str] | None = None) -> list[str]:
        """``code name`` of the assigned villages (or ``codes``), names from the local tree."""
        from desktop.store.models import Division

        wanted = list(self.villages() if codes is None else codes)
        with self.db.session() as session:
            names = dict(
                session.execute(
                    select(Division.code, Division.name).where(Division.code.in_(wanted))
                ).all()
            )
        return [f"{code} {names[code]}" if code in names else code for code in wanted]


def _take_county_keys(session: Session, answer: EnrollResponse) -> bool:
    """Keep the county's card key and code the server handed out; ``True`` if the laptop had
    another card key before (cards it printed with that key no longer verify)."""
    from desktop.store.card_key import CARD_KEY, COUNTY_CODE, set_card_key
    from desktop.store.settings import get_setting, set_setting

    replaced = False
    if answer.card_key:
        before = get_setting(session, CARD_KEY)
        replaced = before is not None and before != answer.card_key
        set_card_key(session, answer.card_key)
    if answer.county_code:
        set_setting(session, COUNTY_CODE, answer.county_code)
    return replaced
