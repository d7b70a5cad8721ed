"""Database helpers that must behave the same on SQLite and PostgreSQL."""

from django.conf import settings


def binary_collation() -> str | None:
    """Return the collation that orders text by code point on the configured database.

    Keys compared by range (name prefixes, keyset cursors) need code-point order so that
    every string starting with a prefix lies in one contiguous index range. SQLite's default
    (BINARY) already is; PostgreSQL's default follows the server's locale, so use "C" there.
    """
    engine = settings.DATABASES["default"]["ENGINE"]
    return "C" if "postgresql" in engine else None


def sort_key(text: str) -> str:
    """Return the case-insensitive key a name is sorted and searched by."""
    return " ".join(text.casefold().split())
