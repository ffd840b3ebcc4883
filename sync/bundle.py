"""Bundles: a laptop's pending outbox as one signed file, for villages with no network at all.

A field worker exports the outbox to a USB stick (``fieldbook bundle export``); a connected
laptop at the township imports it (``fieldbook bundle import``: it is pushed to the server) or
the county's administrator imports it on the server (``fieldbook-server import-bundle``). Either
way the changes go through the server's usual push: the same ``device_seq`` check and the same
dedup by ``change_id``, so a bundle imported twice, or a bundle whose changes the laptop later
also syncs over the network, changes nothing the second time. A bundle holds *every* pending
change from the first one, so the newest bundle of a laptop supersedes its older ones.

Why Ed25519 and not an HMAC keyed with the device's token: the server stores only the SHA-256 of
each token (a stolen database must not let anyone push), so it could not check an HMAC made with
the token, and an HMAC keyed with the stored hash would let whoever reads the database forge
bundles. With Ed25519 the laptop keeps its private key (in its settings, inside the encrypted
laptop database) and the server keeps only the public key it received at enrollment: neither a
copy of the server's database, nor the laptop that relays the file, nor anyone who finds the USB
stick can alter or forge a bundle. ``cryptography`` is already a dependency; a signature is 64
bytes and costs microseconds.

A bundle on a USB stick must not leak the households it carries when the stick is lost, so the
body is sealed to the server: the server made an X25519 key pair and handed its public half to
the laptop at enrollment; the laptop encrypts each bundle with a fresh ephemeral X25519 key,
HKDF-SHA256 and ChaCha20-Poly1305 (a "sealed box"). Only the server can open it; the laptop that
relays it cannot, and need not.

The file (``BundleEnvelope``) is JSON: the format tag, the device id, the body (a
``BundleBody``: the changes exactly as a push carries them, compressed with zstd, sealed, then
base64), the sealing parameters, and the signature over the format tag and the body's bytes as
they are in the file (encrypt, then sign: the server checks who wrote it before decrypting).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pydantic import ValidationError

from sync.protocol import (
    BUNDLE_FORMAT,
    BundleBody,
    BundleEnvelope,
    Change,
    ErrorCode,
    error_message,
)

MAX_BUNDLE_BYTES = 256 * 1024 * 1024
"""A bundle's body may be at most this large once decompressed (guards against zip bombs)."""
BUNDLE_SUFFIX = ".fbbundle"


class BundleError(ValueError):
    """A bundle that cannot be used: ``code`` is stable, ``message`` Chinese."""

    def __init__(self, code: ErrorCode, detail: str | None = None) -> None:
        self.code = code
        self.message = error_message(code, detail)
        super().__init__(self.message)


# --- keys ------------------------------------------------------------------------------------------


def new_signing_key() -> str:
    """A new Ed25519 private key as base64 (its 32 raw bytes)."""
    raw = Ed25519PrivateKey.generate().private_bytes_raw()
    return base64.b64encode(raw).decode("ascii")


def _private_key(key_b64: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(key_b64, validate=True))


def public_key_of(key_b64: str) -> str:
    """The base64 public key of a base64 private key."""
    public = _private_key(key_b64).public_key()
    return base64.b64encode(public.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode("ascii")


def _signed_bytes(body: bytes) -> bytes:
    return BUNDLE_FORMAT.encode() + b"\n" + body


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def new_sealing_key() -> str:
    """A new X25519 private key as base64 (the server's, for opening bundles)."""
    return _b64(X25519PrivateKey.generate().private_bytes_raw())


def sealing_public_key(private_b64: str) -> str:
    """The base64 public key of a base64 X25519 private key."""
    private = X25519PrivateKey.from_private_bytes(base64.b64decode(private_b64, validate=True))
    return _b64(private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))


def _seal_key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=BUNDLE_FORMAT.encode() + ephemeral + recipient,
    ).derive(shared)


def seal(data: bytes, recipient_b64: str, associated: bytes) -> tuple[bytes, str, str]:
    """``data`` encrypted to ``recipient_b64``: (ciphertext, ephemeral public key, nonce)."""
    import os

    recipient = base64.b64decode(recipient_b64, validate=True)
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient))
    nonce = os.urandom(12)
    key = _seal_key(shared, ephemeral_public, recipient)
    return (
        ChaCha20Poly1305(key).encrypt(nonce, data, associated),
        _b64(ephemeral_public),
        _b64(nonce),
    )


def unseal(
    data: bytes, private_b64: str, ephemeral_b64: str, nonce_b64: str, associated: bytes
) -> bytes:
    """Open what ``seal`` made; ``BundleError`` when it was not sealed to this key or altered."""
    try:
        private = X25519PrivateKey.from_private_bytes(base64.b64decode(private_b64, validate=True))
        ephemeral = base64.b64decode(ephemeral_b64, validate=True)
        recipient = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral))
        key = _seal_key(shared, ephemeral, recipient)
        return ChaCha20Poly1305(key).decrypt(
            base64.b64decode(nonce_b64, validate=True), data, associated
        )
    except (InvalidTag, binascii.Error, ValueError) as exc:
        raise BundleError(ErrorCode.BUNDLE_INVALID, "无法解密: 数据包不是给这台服务器的") from exc


# --- writing -------------------------------------------------------------------------------------


def make_bundle(
    device_id: str, signing_key: str, changes: list[Change], *, seal_to: str | None = None
) -> BundleEnvelope:
    """Sign ``changes`` (consecutive, from the first pending one) as a bundle of ``device_id``,
    sealed to the server's public key ``seal_to`` (base64) when given."""
    import zstandard

    if not changes:
        raise ValueError("a bundle holds at least one change")
    body = BundleBody(
        device_id=device_id,
        created_at=datetime.now(UTC),
        first_seq=changes[0].device_seq,
        changes=changes,
    )
    raw = json.dumps(body.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"))
    payload = zstandard.ZstdCompressor(level=9).compress(raw.encode())
    ephemeral = nonce = None
    if seal_to:
        payload, ephemeral, nonce = seal(payload, seal_to, device_id.encode())
    signature = _private_key(signing_key).sign(_signed_bytes(payload))
    return BundleEnvelope(
        format=BUNDLE_FORMAT,
        device_id=device_id,
        body=_b64(payload),
        signature=_b64(signature),
        sealed_to=seal_to,
        ephemeral_key=ephemeral,
        nonce=nonce,
    )


def write_bundle(envelope: BundleEnvelope, path: str | Path) -> int:
    """Write the bundle file (through a temporary file, so a pulled USB stick leaves no half
    file under the real name); returns its size in bytes."""
    target = Path(path)
    data = envelope.model_dump_json().encode()
    partial = target.with_name(target.name + ".part")
    with open(partial, "wb") as out:
        out.write(data)
        out.flush()
        import os

        os.fsync(out.fileno())
    partial.replace(target)
    return len(data)


# --- reading -------------------------------------------------------------------------------------


def parse_envelope(data: bytes) -> BundleEnvelope:
    """The envelope of a bundle file's bytes, or ``BundleError``."""
    try:
        return BundleEnvelope.model_validate_json(data)
    except ValidationError as exc:
        raise BundleError(ErrorCode.BUNDLE_INVALID) from exc


def read_envelope(path: str | Path) -> BundleEnvelope:
    """The envelope of a bundle file, or ``BundleError`` (a missing file too)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise BundleError(ErrorCode.BUNDLE_INVALID, f"无法读取 {path}: {exc.strerror}") from exc
    return parse_envelope(data)


def _compressed(envelope: BundleEnvelope) -> bytes:
    try:
        return base64.b64decode(envelope.body, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise BundleError(ErrorCode.BUNDLE_INVALID) from exc


def verify_envelope(envelope: BundleEnvelope, public_key: str | None) -> None:
    """Raise ``BundleError(BUNDLE_SIGNATURE)`` unless the device's key signed this bundle."""
    if not public_key:
        raise BundleError(ErrorCode.BUNDLE_SIGNATURE, "该设备没有登记签名公钥")
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key, validate=True))
        signature = base64.b64decode(envelope.signature, validate=True)
        key.verify(signature, _signed_bytes(_compressed(envelope)))
    except (InvalidSignature, binascii.Error, ValueError) as exc:
        raise BundleError(ErrorCode.BUNDLE_SIGNATURE) from exc


def open_body(envelope: BundleEnvelope, sealing_key: str | None = None) -> BundleBody:
    """The body of a bundle (check the signature first: ``verify_envelope``); a sealed bundle
    needs the server's X25519 private key ``sealing_key``."""
    import zstandard

    payload = _compressed(envelope)
    if envelope.sealed_to is not None:
        if not sealing_key or sealing_public_key(sealing_key) != envelope.sealed_to:
            raise BundleError(ErrorCode.BUNDLE_INVALID, "数据包是加密给另一台服务器的")
        if not envelope.ephemeral_key or not envelope.nonce:
            raise BundleError(ErrorCode.BUNDLE_INVALID)
        payload = unseal(
            payload,
            sealing_key,
            envelope.ephemeral_key,
            envelope.nonce,
            envelope.device_id.encode(),
        )
    try:
        reader = zstandard.ZstdDecompressor().stream_reader(payload)
        raw = reader.read(MAX_BUNDLE_BYTES + 1)
    except zstandard.ZstdError as exc:
        raise BundleError(ErrorCode.BUNDLE_INVALID, "无法解压") from exc
    if len(raw) > MAX_BUNDLE_BYTES:
        raise BundleError(ErrorCode.BUNDLE_INVALID, "数据包太大")
    try:
        body = BundleBody.model_validate_json(raw)
    except ValidationError as exc:
        raise BundleError(ErrorCode.BUNDLE_INVALID) from exc
    if body.device_id != envelope.device_id:
        raise BundleError(ErrorCode.BUNDLE_INVALID, "设备编号前后不一致")
    return body


@dataclass(frozen=True)
class BundleSummary:
    """What an exported bundle holds."""

    path: str
    device_id: str
    changes: int
    first_seq: int
    last_seq: int
    bytes: int
