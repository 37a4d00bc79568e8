"""Passwords (scrypt, salted), API tokens (only their SHA-256 is stored), roles and what each
may do, and masking the petitioner's identity for roles without that right."""

import base64
import hashlib
import hmac
import secrets

ROLES = ("clerk", "reviewer", "supervisor", "admin")
RIGHTS = {
    "clerk": {"submit", "view_queue"},
    "reviewer": {"submit", "view_queue", "view_identity", "claim", "correct", "conclude"},
    "supervisor": {"submit", "view_queue", "view_identity", "claim", "correct", "conclude", "assign", "export"},
    "admin": {"submit", "view_queue", "view_identity", "claim", "correct", "conclude", "assign", "export",
              "manage_users", "audit"},
}
MASK = "＊＊＊"


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2 ** 14, r=8, p=1)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    computed = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=2 ** 14, r=8, p=1)
    return hmac.compare_digest(computed, base64.b64decode(digest))


def new_token() -> tuple[str, str]:
    """(the token to hand out once, the hash to store)."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def can(role: str, right: str) -> bool:
    return right in RIGHTS.get(role, set())


def mask(value: str | None, role: str) -> str | None:
    return value if value is None or can(role, "view_identity") else MASK
