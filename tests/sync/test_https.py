"""HTTPS with the county's own CA: a laptop given the CA file enrolls and syncs; without it the
server is not trusted and nothing is sent. TLS does not depend on the database: SQLite only."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import select

from desktop.store.models import OutboxChange
from sync.client.transport import SyncError
from sync.protocol import ErrorCode, encode_enrollment
from sync.server.app import create_app
from sync.server.devices import create_enrollment_code
from tests.sync.conftest import EAST, seed_divisions


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def county_ca(folder: Path) -> tuple[Path, Path, Path]:
    """A county CA and a server certificate for 127.0.0.1 signed by it (PEM files)."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("略阳县 Fieldbook CA"))
        .issuer_name(_name("略阳县 Fieldbook CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                key_encipherment=False, data_encipherment=False, key_agreement=False,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("127.0.0.1"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_file, cert_file, key_file = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ca_file, cert_file, key_file


@pytest.fixture
def https_server(tmp_path):
    """A sync server on https://127.0.0.1 with a certificate of the county's CA."""
    ca_file, cert_file, key_file = county_ca(tmp_path)
    app = create_app(f"sqlite:///{tmp_path / 'server.db'}")
    seed_divisions(app.state.database)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        log_level="warning",
        ssl_certfile=str(cert_file),
        ssl_keyfile=str(key_file),
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.01)
    yield app, f"https://127.0.0.1:{port}", ca_file
    server.should_exit = True
    thread.join(15)


def code_for(app, url: str, name: str) -> str:
    with app.state.database.session() as session:
        return encode_enrollment(create_enrollment_code(session, name=name, villages=[EAST]), url)


def test_a_laptop_with_the_county_ca_file_enrolls_and_syncs_over_https(https_server, make_laptop):
    app, url, ca_file = https_server
    laptop = make_laptop("东街-1", ca_file=str(ca_file))
    laptop.create_household("6104241002010001")

    laptop.client.enroll(code_for(app, url, "东街-1"))
    laptop.client.close()
    # a later sync (a new client, as ``fieldbook sync`` makes) finds the CA file in the settings
    from sync.client import SyncClient

    with SyncClient(laptop.db) as later:
        receipt = later.push()

    assert receipt.applied == 4


def test_without_the_county_ca_the_server_is_not_trusted_and_nothing_is_sent(
    https_server, make_laptop
):
    app, url, _ca_file = https_server
    laptop = make_laptop("东街-1", max_attempts=1)
    laptop.create_household("6104241002010001")

    with pytest.raises(SyncError) as untrusted:
        laptop.client.enroll(code_for(app, url, "东街-1"))

    assert untrusted.value.code is ErrorCode.NETWORK
    assert "CERTIFICATE_VERIFY_FAILED" in untrusted.value.message
    assert laptop.client.enrollment() is None
    with laptop.db.session() as session:
        assert set(session.scalars(select(OutboxChange.state))) == {"pending"}


def test_a_missing_ca_file_is_reported_before_anything_is_sent(https_server, make_laptop, tmp_path):
    app, url, _ca_file = https_server
    laptop = make_laptop("东街-1", ca_file=str(tmp_path / "no-such-ca.pem"))

    with pytest.raises(SyncError) as missing:
        laptop.client.enroll(code_for(app, url, "东街-1"))

    assert "根证书" in missing.value.message
