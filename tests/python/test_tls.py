"""TLS on the jsd ssl listener: certificate checks, mutual TLS, and TLS >= 1.2 only."""

import shutil
import subprocess

import grpc
import pytest

import openjet

# Deliberately no skip when it is missing: .ci/run installs it.
OPENSSL = shutil.which("openssl") or "openssl"


def s_client(port: int, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [OPENSSL, "s_client", "-connect", f"127.0.0.1:{port}", *args],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
    )


def test_tls_server_certificate_is_verified(jetd):
    """The device's certificate chains to certs/ca.crt and names localhost."""
    ch = jetd.logged_in(jetd.tls_channel())
    try:
        assert f"Hostname: {jetd.host_name}" in openjet.op_command(ch, "show version")
    finally:
        ch.close()


def test_tls_wrong_server_name_is_refused(jetd):
    ch = openjet.connect(jetd.ssl_address, ca=jetd.ca, server_name="not-the-device.example")
    try:
        with pytest.raises(grpc.RpcError) as info:
            openjet.login(ch, jetd.user, jetd.password, "pytest", timeout=15)
        assert info.value.code() == grpc.StatusCode.UNAVAILABLE
    finally:
        ch.close()


def test_clear_text_client_on_tls_port_fails(jetd):
    ch = openjet.connect(jetd.ssl_address)  # no TLS
    try:
        with pytest.raises(grpc.RpcError):
            openjet.login(ch, jetd.user, jetd.password, "pytest", timeout=15)
    finally:
        ch.close()


def test_mutual_tls_without_client_certificate_fails(mtls_jetd):
    ch = mtls_jetd.tls_channel()
    try:
        with pytest.raises(grpc.RpcError) as info:
            openjet.login(ch, mtls_jetd.user, mtls_jetd.password, "pytest-nocert", timeout=15)
        assert info.value.code() == grpc.StatusCode.UNAVAILABLE
    finally:
        ch.close()


def test_mutual_tls_with_client_certificate_works(mtls_jetd):
    certs = mtls_jetd.certs
    ch = mtls_jetd.tls_channel(cert=certs / "client.crt", key=certs / "client.key")
    try:
        mtls_jetd.logged_in(ch, "pytest-cert")
        assert f"Hostname: {mtls_jetd.host_name}" in openjet.op_command(ch, "show version")
    finally:
        ch.close()


def test_mutual_tls_clear_text_listener_unaffected(mtls_jetd):
    ch = mtls_jetd.logged_in(mtls_jetd.clear_channel())
    try:
        assert "Hostname:" in openjet.op_command(ch, "show version")
    finally:
        ch.close()


def test_mutual_tls_openssl_without_certificate_is_refused(mtls_jetd):
    """TLS 1.2 makes the refusal part of the handshake, so s_client itself fails."""
    r = s_client(mtls_jetd.ssl_port, "-tls1_2", "-CAfile", str(mtls_jetd.ca))
    assert r.returncode != 0, r.stdout + r.stderr


def test_tls_1_1_refused_tls_1_2_accepted(jetd):
    old = s_client(jetd.ssl_port, "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0")
    assert old.returncode != 0, f"TLS 1.1 handshake succeeded:\n{old.stdout}"
    assert "Cipher is (NONE)" in old.stdout
    assert "alert" in old.stderr.lower()  # refused by the server, not failed by the client

    ok = s_client(
        jetd.ssl_port, "-tls1_2", "-cipher", "DEFAULT@SECLEVEL=0", "-CAfile", str(jetd.ca),
        "-verify_return_error", "-verify_hostname", "localhost",
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "Protocol  : TLSv1.2" in ok.stdout or "TLSv1.2" in ok.stdout
    assert "Verify return code: 0 (ok)" in ok.stdout


def test_tls_1_3_accepted_with_rsa_certificate(jetd):
    r = s_client(jetd.ssl_port, "-tls1_3", "-CAfile", str(jetd.ca), "-verify_return_error")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "TLSv1.3" in r.stdout
    assert "rsaEncryption" in r.stdout or "RSA" in r.stdout
