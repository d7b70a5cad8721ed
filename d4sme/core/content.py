"""Helpers for loading starting content from versioned data files, idempotently."""

from collections import Counter
from pathlib import Path
from typing import Any

import yaml


class ContentError(ValueError):
    """A data file is malformed; the message names the file and the entry."""


def read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except (OSError, yaml.YAMLError) as exc:
        raise ContentError(f"{path.name}: {exc}") from exc


class Tally(Counter):
    """Counts of created and updated rows per kind of content."""

    def summary(self) -> str:
        return ", ".join(f"{key}: {value}" for key, value in sorted(self.items())) or "no changes"


def upsert(model, lookup: dict[str, Any], values: dict[str, Any], tally: Tally, label: str):
    """Create or update one row, touching the database only when something differs."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        tally[f"{label} created"] += 1
        return obj
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if changed:
        for key in changed:
            setattr(obj, key, values[key])
        obj.save(update_fields=changed)
        tally[f"{label} updated"] += 1
    return obj
