"""Cryptographic building blocks: AEAD, HKDF, passphrase KDF, sealing to a public key, signatures.

AES-256-GCM everywhere (authenticated, associated data bound). Passphrases go through Argon2id
(RFC 9106 second recommended profile) with scrypt as fallback where Argon2id is unavailable.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from chandong_tui.vault.encoding import b64d, b64e
from chandong_tui.vault.errors import IntegrityError

NONCE_SIZE = 12
KEY_SIZE = 32


def random_key() -> bytes:
    """A fresh 256-bit key."""
    return os.urandom(KEY_SIZE)


def derive_key(key: bytes, purpose: bytes) -> bytes:
    """A subkey for one purpose (HKDF-SHA256); `purpose` names file kind, vault, device…"""
    return HKDF(algorithm=hashes.SHA256(), length=KEY_SIZE, salt=None, info=purpose).derive(key)


def seal(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """`nonce ‖ ciphertext+tag` under AES-256-GCM, binding `aad`."""
    nonce = os.urandom(NONCE_SIZE)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def open_sealed(key: bytes, sealed: bytes, aad: bytes) -> bytes:
    """Inverse of `seal`; any change to key, bytes or `aad` raises `IntegrityError`."""
    if len(sealed) < NONCE_SIZE + 16:
        raise IntegrityError("truncated ciphertext")
    try:
        return AESGCM(key).decrypt(sealed[:NONCE_SIZE], sealed[NONCE_SIZE:], aad)
    except InvalidTag:
        raise IntegrityError("authentication failed") from None


@dataclass(frozen=True)
class KdfParams:
    """How a passphrase becomes a key; stored beside what it protects."""

    alg: str
    salt: str
    iterations: int = 3
    lanes: int = 4
    memory_kib: int = 64 * 1024
    scrypt_n: int = 2**17

    @classmethod
    def fresh(cls) -> KdfParams:
        """Argon2id (t=3, p=4, m=64 MiB) with a new salt; scrypt (N=2¹⁷, r=8) if Argon2id is missing."""
        salt = b64e(os.urandom(16))
        return cls(alg="argon2id" if _has_argon2id() else "scrypt", salt=salt)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def derive(self, passphrase: str) -> bytes:
        """The key this passphrase gives under these parameters."""
        secret = passphrase.encode("utf-8")
        salt = b64d(self.salt)
        if self.alg == "argon2id":
            from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

            kdf = Argon2id(
                salt=salt,
                length=KEY_SIZE,
                iterations=self.iterations,
                lanes=self.lanes,
                memory_cost=self.memory_kib,
            )
            return kdf.derive(secret)
        if self.alg == "scrypt":
            return Scrypt(salt=salt, length=KEY_SIZE, n=self.scrypt_n, r=8, p=1).derive(secret)
        raise IntegrityError(f"unknown key derivation {self.alg!r}")


def _has_argon2id() -> bool:
    try:
        from cryptography.hazmat.primitives.kdf.argon2 import Argon2id  # noqa: F401
    except ImportError:
        return False
    return True


def seal_to(recipient: X25519PublicKey, plaintext: bytes, aad: bytes) -> dict[str, str]:
    """Encrypt for the holder of `recipient`'s private key (ephemeral X25519 + HKDF + AES-GCM)."""
    ephemeral = X25519PrivateKey.generate()
    eph_pub = raw_public(ephemeral.public_key())
    key = derive_key(ephemeral.exchange(recipient), b"chandong-seal|" + eph_pub + raw_public(recipient))
    return {"eph": b64e(eph_pub), "box": b64e(seal(key, plaintext, aad))}


def open_sealed_to(private: X25519PrivateKey, sealed: dict[str, str], aad: bytes) -> bytes:
    """Inverse of `seal_to`."""
    eph_pub = b64d(sealed["eph"])
    shared = private.exchange(X25519PublicKey.from_public_bytes(eph_pub))
    key = derive_key(shared, b"chandong-seal|" + eph_pub + raw_public(private.public_key()))
    return open_sealed(key, b64d(sealed["box"]), aad)


def raw_public(key: X25519PublicKey | Ed25519PublicKey) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def raw_private(key: X25519PrivateKey | Ed25519PrivateKey) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    return key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


def verify_signature(public: bytes, signature: bytes, message: bytes) -> bool:
    """Whether `signature` is `public`'s Ed25519 signature of `message`."""
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True
