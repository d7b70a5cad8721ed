"""The registry's starting content: economies, groupings, regions, vocabularies, agencies.

Everything is read from versioned data files under ``registry/content/`` (and pycountry for
ISO 3166), and loaded idempotently: loading twice changes nothing the second time.
"""

from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pycountry
from django.core.exceptions import ValidationError
from django.db import transaction

from d4sme.core.content import ContentError, Tally, read_yaml, upsert
from d4sme.core.widgets import options_changed

from .models import (
    Economy,
    EconomyGroup,
    EconomyGroupMembership,
    Organisation,
    Region,
    Term,
    Vocabulary,
)

CONTENT_DIR = Path(__file__).resolve().parent / "content"
VOCABULARY_DIR = CONTENT_DIR / "vocabularies"
ISIC_VOCABULARY = "isic-rev4"


@cache
def isic_sections() -> tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]:
    """Return ((section letter, title, ((division, title), ...)), ...) of ISIC Rev.4."""
    data = read_yaml(VOCABULARY_DIR / f"{ISIC_VOCABULARY}.yaml")
    return tuple(
        (
            (section.get("notation") or section["code"]).upper(),
            section["name"],
            tuple((d.get("notation") or d["code"], d["name"]) for d in section.get("children", [])),
        )
        for section in data["terms"]
    )


@cache
def isic_division_index() -> dict[str, str]:
    """Return {division code: section letter}."""
    return {div: letter for letter, _, divisions in isic_sections() for div, _ in divisions}


@cache
def isic_division_titles() -> dict[str, str]:
    return {div: title for _, _, divisions in isic_sections() for div, title in divisions}


def _iso_display_name(country) -> str:
    return getattr(country, "common_name", None) or country.name


def load_economies(tally: Tally) -> None:
    """Load every ISO 3166-1 country, the groupings, and first-level regions."""
    data = read_yaml(CONTENT_DIR / "economies.yaml")
    local_names: dict[str, str] = {}
    for group in data["groupings"]:
        if group["code"] == "apec":
            local_names = {m["iso"]: m["name"] for m in group["members"]}

    existing = {e.code: e for e in Economy.objects.all()}
    for country in pycountry.countries:
        values = {
            "alpha3": country.alpha_3,
            "numeric": country.numeric,
            "iso_name": country.name,
            # The platform speaks of APEC members by APEC's own names ("Chinese Taipei").
            "name": local_names.get(country.alpha_2, _iso_display_name(country)),
        }
        current = existing.get(country.alpha_2)
        if current is None:
            Economy.objects.create(code=country.alpha_2, **values)
            tally["economies created"] += 1
        elif any(getattr(current, k) != v for k, v in values.items()):
            Economy.objects.filter(code=country.alpha_2).update(**values)
            tally["economies updated"] += 1
    if tally["economies created"] or tally["economies updated"]:
        options_changed()  # an update() sends no signal: retire the cached economy lists here

    known = set(Economy.objects.values_list("code", flat=True))
    for group in data["groupings"]:
        grouping = upsert(
            EconomyGroup,
            {"code": group["code"]},
            {"name": group["name"], "source": group.get("source", "")},
            tally,
            "groupings",
        )
        for member in group["members"]:
            if member["iso"] not in known:
                raise ContentError(
                    f"economies.yaml: {group['code']}: unknown ISO code {member['iso']}"
                )
            upsert(
                EconomyGroupMembership,
                {"group": grouping, "economy_id": member["iso"]},
                {"local_name": member.get("name", ""), "joined": member.get("joined")},
                tally,
                "grouping members",
            )

    existing_regions = dict(Region.objects.values_list("code", "name"))
    new_regions = []
    for sub in pycountry.subdivisions:
        if sub.parent_code is not None or sub.country_code not in known:
            continue
        if sub.code not in existing_regions:
            new_regions.append(
                Region(economy_id=sub.country_code, code=sub.code, name=sub.name, kind=sub.type)
            )
        elif existing_regions[sub.code] != sub.name:
            Region.objects.filter(code=sub.code).update(name=sub.name)
            tally["regions updated"] += 1
    if new_regions:
        Region.objects.bulk_create(new_regions, batch_size=1000)
        tally["regions created"] += len(new_regions)


def _walk_terms(
    terms: list[dict], parent: str | None, path: str
) -> Iterator[tuple[dict, str | None]]:
    for index, term in enumerate(terms or []):
        for key in ("code", "name"):
            if not term.get(key):
                raise ContentError(f"{path}: term {index + 1} has no {key}")
        yield term, parent
        yield from _walk_terms(term.get("children", []), term["code"], f"{path}/{term['code']}")


def load_vocabulary(path: Path, tally: Tally) -> Vocabulary:
    """Load one vocabulary file; its terms keep the file's order."""
    data = read_yaml(path)
    for key in ("code", "name", "version", "terms"):
        if key not in data:
            raise ContentError(f"{path.name}: missing '{key}'")
    if data["code"] != path.stem:
        raise ContentError(f"{path.name}: code '{data['code']}' differs from the file name")
    entries = list(_walk_terms(data["terms"], None, path.name))
    codes = Counter(term["code"] for term, _ in entries)
    duplicates = sorted(code for code, n in codes.items() if n > 1)
    if duplicates:
        raise ContentError(f"{path.name}: duplicate term codes {', '.join(duplicates)}")

    vocabulary = upsert(
        Vocabulary,
        {"code": data["code"]},
        {"name": data["name"], "version": str(data["version"]), "source": data.get("source", "")},
        tally,
        "vocabularies",
    )
    by_code: dict[str, Term] = {}
    for position, (term, parent) in enumerate(entries):
        by_code[term["code"]] = upsert(
            Term,
            {"vocabulary": vocabulary, "code": term["code"]},
            {
                "name": term["name"],
                "notation": str(term.get("notation", "")),
                "description": term.get("description", "") or "",
                "translations": term.get("translations") or {},
                "parent": by_code[parent] if parent else None,
                "position": position,
            },
            tally,
            "terms",
        )
    return vocabulary


def load_organisations(tally: Tally) -> None:
    """Load the agencies, ministries and bodies named in the seeds, parents first."""
    data = read_yaml(CONTENT_DIR / "organisations.yaml")
    by_code: dict[str, Organisation] = {}
    for index, entry in enumerate(data["organisations"], start=1):
        where = f"organisations.yaml: entry {index} ({entry.get('code', '?')})"
        parent_code = entry.get("parent")
        if parent_code and parent_code not in by_code:
            raise ContentError(f"{where}: parent '{parent_code}' must come earlier in the file")
        values = {
            "kind": entry["kind"],
            "legal_name": entry["legal_name"],
            "short_name": entry.get("short_name") or "",
            "economy_id": entry.get("economy"),
            "parent": by_code.get(parent_code) if parent_code else None,
            "founded_year": entry.get("founded_year"),
            "website": entry.get("website") or "",
        }
        organisation = Organisation(code=entry["code"], **values)
        try:
            organisation.full_clean(exclude=["size_class", "code", "parent"])
        except ValidationError as exc:
            raise ContentError(f"{where}: {exc.message_dict}") from exc
        by_code[entry["code"]] = upsert(
            Organisation, {"code": entry["code"]}, values, tally, "organisations"
        )


@transaction.atomic
def content_load() -> Tally:
    """Load all the registry's starting content; return what was created or updated."""
    tally = Tally()
    load_economies(tally)
    for path in sorted(VOCABULARY_DIR.glob("*.yaml")):
        load_vocabulary(path, tally)
    load_organisations(tally)
    return tally
