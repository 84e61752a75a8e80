"""Pinning the server's host key: the only defence against a machine in the middle.

`host_key` holds one or more public key lines as found in `known_hosts` or in the server's
`/etc/ssh/ssh_host_*_key.pub` (`ssh-ed25519 AAAA… [comment]`, optionally preceded by host
names). The client then negotiates only those key types, so a server holding several keys
shows the pinned one, and it checks the presented key before it sends the user name or any
credential.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from dataclasses import dataclass

import paramiko

__all__ = ["PinnedKey", "fingerprint", "key_line", "parse_host_keys"]

# known_hosts key type → the host key algorithms paramiko negotiates for it (no SHA-1 RSA).
KEY_ALGORITHMS: dict[str, tuple[str, ...]] = {
    "ssh-ed25519": ("ssh-ed25519",),
    "ecdsa-sha2-nistp256": ("ecdsa-sha2-nistp256",),
    "ecdsa-sha2-nistp384": ("ecdsa-sha2-nistp384",),
    "ecdsa-sha2-nistp521": ("ecdsa-sha2-nistp521",),
    "ssh-rsa": ("rsa-sha2-512", "rsa-sha2-256"),
}


@dataclass(frozen=True, slots=True)
class PinnedKey:
    kind: str
    blob: bytes

    @property
    def line(self) -> str:
        return f"{self.kind} {base64.b64encode(self.blob).decode()}"

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.blob)


def fingerprint(blob: bytes) -> str:
    """OpenSSH's fingerprint of a public key blob (`SHA256:…`, as `ssh-keygen -l` prints)."""
    digest = base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")
    return f"SHA256:{digest}"


def key_line(key: paramiko.PKey) -> str:
    return f"{key.get_name()} {key.get_base64()}"


def parse_host_keys(text: str) -> tuple[PinnedKey, ...]:
    """The keys of `text` (one per line); ValueError saying what is wrong with which line."""
    keys = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        words = line.split()
        kinds = [index for index, word in enumerate(words) if word in KEY_ALGORITHMS]
        if not kinds or kinds[0] + 1 >= len(words):
            known = ", ".join(KEY_ALGORITHMS)
            raise ValueError(f"line {number} is not a public key line (expected one of: {known})")
        kind = words[kinds[0]]
        try:
            blob = base64.b64decode(words[kinds[0] + 1], validate=True)
            inner = paramiko.Message(blob).get_text()
        except (binascii.Error, ValueError, IndexError, struct.error) as error:
            raise ValueError(f"line {number}: the key is not valid base64 key data") from error
        if inner != kind:
            raise ValueError(f"line {number}: the key data is a {inner!r} key, not {kind!r}")
        keys.append(PinnedKey(kind, blob))
    if not keys:
        raise ValueError("no public key line found")
    return tuple(keys)
