"""Keyset pagination: pages stay as fast on the millionth row as on the first.

A page is addressed by a cursor that names the last (or first) row seen, so the database
seeks straight to it through an index instead of counting past every earlier row, which is
what OFFSET does. Cursors are opaque, URL-safe strings, so shared links keep working.
"""

import base64
import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import Q, QuerySet
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

T = TypeVar("T")

# Counting every match of a broad filter over millions of rows costs more than the page
# itself; above this many, the page says "more than" instead.
COUNT_CAP = 10_000


class InvalidCursor(ValueError):
    """The cursor was not made by this paginator or has been tampered with."""


@dataclass(frozen=True)
class KeysetPage(Generic[T]):
    items: list[T]
    next_cursor: str | None
    previous_cursor: str | None
    count: int
    count_is_capped: bool


def encode_cursor(direction: str, values: tuple[Any, ...]) -> str:
    payload = json.dumps([direction, *values], separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, arity: int) -> tuple[str, tuple[Any, ...]]:
    """Return (direction, key values) of a cursor, or raise InvalidCursor."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        direction, *values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError) as exc:
        raise InvalidCursor(cursor) from exc
    if direction not in ("after", "before") or len(values) != arity:
        raise InvalidCursor(cursor)
    return direction, tuple(values)


def _seek(fields: tuple[str, str], values: tuple[Any, Any], forward: bool) -> Q:
    """Rows strictly after (or before) ``values`` in (fields[0], fields[1]) order.

    Written as ``a >= x AND (a > x OR b > y)`` so that both SQLite and PostgreSQL start an
    index range scan at ``x`` rather than evaluating the OR over the whole index.
    """
    first, second = fields
    x, y = values
    op = "gt" if forward else "lt"
    op_eq = "gte" if forward else "lte"
    return Q(**{f"{first}__{op_eq}": x}) & (
        Q(**{f"{first}__{op}": x}) | Q(**{f"{second}__{op}": y})
    )


def keyset_paginate(
    queryset: QuerySet, *, order: tuple[str, str], cursor: str | None, page_size: int
) -> KeysetPage:
    """Return one page of ``queryset`` ordered by the two ``order`` fields (the last unique)."""
    direction, values = ("after", None) if not cursor else decode_cursor(cursor, len(order))
    forward = direction == "after"
    ordered = queryset.order_by(*(order if forward else tuple(f"-{f}" for f in order)))
    window = ordered.filter(_seek(order, values, forward)) if values else ordered
    rows = list(window[: page_size + 1])
    has_more = len(rows) > page_size
    rows = rows[:page_size]
    if not forward:
        rows.reverse()

    def key(row: Any) -> tuple[Any, ...]:
        return tuple(getattr(row, f) for f in order)

    next_cursor = previous_cursor = None
    if rows:
        if has_more or not forward:
            next_cursor = encode_cursor("after", key(rows[-1]))
        if values is not None and (forward or has_more):
            previous_cursor = encode_cursor("before", key(rows[0]))
    capped = queryset.order_by()[: COUNT_CAP + 1].count()
    return KeysetPage(
        items=rows,
        next_cursor=next_cursor,
        previous_cursor=previous_cursor,
        count=min(capped, COUNT_CAP),
        count_is_capped=capped > COUNT_CAP,
    )


# A page of a list paginated by offset holds at most this many items, and starts no further
# in than MAX_OFFSET: lists that long are paginated by cursor instead.
MAX_PAGE_SIZE = 100
MAX_OFFSET = 100_000


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    """django-ninja's limit and offset, each bounded in the OpenAPI document."""

    class Input(Schema):
        limit: int = Field(MAX_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)
