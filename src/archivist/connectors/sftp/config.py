"""The SFTP connector's options, declared once, and their checked, typed form."""

from __future__ import annotations

import io
import ipaddress
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import paramiko
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from archivist.connectors.options import Option, OptionError
from archivist.connectors.sftp.hostkeys import PinnedKey, parse_host_keys

__all__ = ["OPTIONS", "SftpSettings", "load_private_key", "settings_from_options"]

OPTIONS = (
    Option("host", "Name or IP address of the SSH server (the NAS).", required=True),
    Option("port", "SSH port of the server.", "integer", default=22),
    Option("username", "Account to log in with.", required=True),
    Option(
        "password",
        "Password of the account. Give a password, a private key, or both (the key is tried "
        "first).",
        "secret",
    ),
    Option(
        "private_key",
        "Private key of the account: the whole text of an OpenSSH or PEM key file (ed25519, "
        "ECDSA or RSA), e.g. the content of ~/.ssh/id_ed25519.",
        "secret",
    ),
    Option(
        "private_key_passphrase", "Passphrase of the private key, if it is encrypted.", "secret"
    ),
    Option(
        "root",
        "Remote folder to sync into: absolute (/volume1/archive) or relative to the login "
        "folder. Empty: the login folder itself.",
    ),
    Option(
        "host_key",
        "The server's public host key, as a line of known_hosts or of the server's "
        "/etc/ssh/ssh_host_ed25519_key.pub (ssh-ed25519 AAAA…); several lines are allowed. "
        "A server presenting another key is refused before any credential is sent. Leave it "
        "empty for the first connection: it is refused, and the error shows the key the server "
        "presented and its fingerprint. Pin that first key here once its fingerprint has been "
        "confirmed with the server's administrator (ssh-keygen -lf on the server).",
    ),
    Option(
        "insecure_accept_any_host_key",
        "Accept whatever host key the server presents, without checking it. Anyone able to "
        "intercept the connection could then read the password and the files: use only on a "
        "trusted closed network.",
        "boolean",
        default=False,
    ),
    Option("connect_timeout", "Seconds to wait for the connection and login.", "integer", 15),
    Option(
        "timeout",
        "Seconds to wait for any single answer of the server before the operation fails and is "
        "retried later.",
        "integer",
        default=60,
    ),
    Option(
        "max_sessions",
        "Most SFTP sessions open at once (8 per SSH connection, the limit of OpenSSH's default "
        "MaxSessions 10 with a margin). Lower it for servers that allow few sessions.",
        "integer",
        default=16,
    ),
)


@dataclass(frozen=True, slots=True)
class SftpSettings:
    """Checked options; secrets stay out of `repr`."""

    host: str
    username: str
    port: int = 22
    password: str | None = field(default=None, repr=False)
    private_key: paramiko.PKey | None = field(default=None, repr=False)
    root: str = ""
    host_keys: tuple[PinnedKey, ...] = ()
    accept_any_host_key: bool = False
    connect_timeout: float = 15
    timeout: float = 60
    max_sessions: int = 16


def settings_from_options(values: Mapping[str, Any]) -> SftpSettings:
    """Settings from `parse_options` output; OptionError naming the first bad option."""
    host = _host(str(values["host"]))
    username = str(values["username"]).strip()
    if any(char.isspace() for char in username):
        raise OptionError("username", "may not contain spaces")
    password = values.get("password")
    key_text = values.get("private_key")
    if password is None and key_text is None:
        raise OptionError("password", "give a password or a private_key (or both)")
    passphrase = values.get("private_key_passphrase")
    private_key = load_private_key(key_text, passphrase) if key_text is not None else None
    host_keys: tuple[PinnedKey, ...] = ()
    if values.get("host_key"):
        try:
            host_keys = parse_host_keys(str(values["host_key"]))
        except ValueError as error:
            raise OptionError("host_key", str(error)) from None
    return SftpSettings(
        host=host,
        username=username,
        port=_bounded(values, "port", 1, 65535),
        password=password,
        private_key=private_key,
        root=_root(values.get("root") or ""),
        host_keys=host_keys,
        accept_any_host_key=bool(values.get("insecure_accept_any_host_key")),
        connect_timeout=_bounded(values, "connect_timeout", 1, 600),
        timeout=_bounded(values, "timeout", 1, 3600),
        max_sessions=_bounded(values, "max_sessions", 1, 256),
    )


def load_private_key(text: str, passphrase: str | None) -> paramiko.PKey:
    """A paramiko key from the text of an OpenSSH or PEM private key file; OptionError if not."""
    data = text.strip().encode() + b"\n"
    password = passphrase.encode() if passphrase else None
    loaded: PrivateKeyTypes
    try:
        if b"BEGIN OPENSSH PRIVATE KEY" in data:
            loaded = serialization.load_ssh_private_key(data, password)
        elif b"PRIVATE KEY-----" in data:
            loaded = serialization.load_pem_private_key(data, password)
        else:
            raise OptionError("private_key", "is not the text of a private key file")
    except TypeError:  # cryptography: a passphrase missing for, or given to, a key
        if password is None:
            raise OptionError(
                "private_key_passphrase", "is required: the key is encrypted"
            ) from None
        raise OptionError("private_key_passphrase", "given, but the key is not encrypted") from None
    except ValueError:
        if password is not None:
            raise OptionError(
                "private_key_passphrase", "does not decrypt the key (or the key is damaged)"
            ) from None
        raise OptionError("private_key", "cannot be read as a private key") from None
    except UnsupportedAlgorithm:
        raise OptionError("private_key", "uses an unsupported key algorithm") from None
    key_class: type[paramiko.PKey]
    if isinstance(loaded, ed25519.Ed25519PrivateKey):
        key_class = paramiko.Ed25519Key
    elif isinstance(loaded, ec.EllipticCurvePrivateKey):
        key_class = paramiko.ECDSAKey
    elif isinstance(loaded, rsa.RSAPrivateKey):
        key_class = paramiko.RSAKey
    else:
        raise OptionError("private_key", "must be an ed25519, ECDSA or RSA key")
    # One format paramiko reads for every key type, whatever the user pasted.
    openssh = loaded.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),
    )
    return key_class.from_private_key(io.StringIO(openssh.decode()))


def _host(raw: str) -> str:
    host = raw.strip()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not host or any(char.isspace() for char in host) or "/" in host or "@" in host:
        raise OptionError("host", f"expected a host name or IP address, got {raw!r}")
    if ":" in host:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise OptionError(
                "host", "put the port in the port option, not after a colon"
            ) from None
    return host


def _root(raw: str) -> str:
    root = raw.strip()
    if any(ord(char) < 32 for char in root):
        raise OptionError("root", "may not contain control characters")
    if not root:
        return ""
    normal = posixpath.normpath(root)
    if normal.startswith("//"):
        normal = "/" + normal.lstrip("/")
    return "" if normal == "." else normal


def _bounded(values: Mapping[str, Any], name: str, low: int, high: int) -> int:
    value = values[name]
    if not isinstance(value, int) or not low <= value <= high:
        raise OptionError(name, f"must be between {low} and {high}, got {value!r}")
    return value
