"""The programme registry's starting content: the programmes the seed documents describe.

Loaded from ``content/programmes.yaml`` by ``d4sme load-content``, idempotently, after the
registry's own content (whose organisations and vocabularies it refers to by code).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from d4sme.core.content import ContentError, Tally, read_yaml, upsert
from d4sme.registry.selectors import organisations_by_code, term_list

from . import eligibility
from .models import CurationStatus, Instrument, Programme
from .services import search_text_of

if TYPE_CHECKING:
    from d4sme.registry.models import Organisation, Term

CONTENT_DIR = Path(__file__).resolve().parent / "content"
# Keys of a programme entry that name terms, and the vocabulary each draws from.
CLASSIFICATION_KEYS = {
    "support_categories": "support-categories",
    "apec_priority_areas": "apec-priority-areas",
    "themes": "stip-themes",
    "instrument_types": "stip-instrument-types",
    "target_groups": "target-groups",
    "technologies": "technologies",
    "barriers": "barriers",
}


def _terms(entry: dict, where: str, terms: dict[tuple[str, str], Term]) -> list[Term]:
    found = []
    for key, vocabulary in CLASSIFICATION_KEYS.items():
        for code in entry.get(key) or []:
            term = terms.get((vocabulary, code))
            if term is None:
                raise ContentError(f"{where}: {key}: no term '{code}' in vocabulary {vocabulary}")
            found.append(term)
    return found


def load_programme(
    entry: dict,
    index: int,
    organisations: dict[str, Organisation],
    terms: dict[tuple[str, str], Term],
    tally: Tally,
) -> Programme:
    where = f"programmes.yaml: entry {index} ({entry.get('code', '?')})"

    def organisation(code: str | None) -> Organisation | None:
        if code is None:
            return None
        if code not in organisations:
            raise ContentError(f"{where}: no organisation '{code}' in organisations.yaml")
        return organisations[code]

    rules = entry.get("eligibility") or {}
    problems = eligibility.rules_validate(rules)
    if problems:
        raise ContentError(f"{where}: eligibility: {' '.join(problems)}")
    stated = entry.get("eligibility_stated", True)
    if not isinstance(stated, bool):
        raise ContentError(f"{where}: eligibility_stated must be true or false")
    if not stated and rules:
        raise ContentError(f"{where}: eligibility rules are given but eligibility_stated is false")
    budget = entry.get("budget") or {}
    values = {
        "name": entry["name"],
        "acronym": entry.get("acronym") or "",
        "original_language": entry.get("original_language") or "en",
        "original_name": entry.get("original_name") or "",
        "translations": entry.get("translations") or {},
        "description_translations": {
            language: " ".join(text.split())
            for language, text in (entry.get("description_translations") or {}).items()
        },
        "description": " ".join((entry.get("description") or "").split()),
        "economy_id": entry.get("economy"),
        "government_level": entry.get("government_level") or "national",
        "responsible": organisation(entry.get("responsible")),
        "start_year": entry.get("start_year"),
        "end_year": entry.get("end_year"),
        "status": entry.get("status") or "unknown",
        "budget_amount": Decimal(str(budget["amount"]))
        if budget.get("amount") is not None
        else None,
        "budget_currency": budget.get("currency") or "",
        "budget_year": budget.get("year"),
        "eligibility": rules,
        "eligibility_stated": stated,
        "website": entry.get("website") or "",
        "source": entry.get("source") or "",
        "curation_status": CurationStatus.PUBLISHED,
    }
    candidate = Programme(code=entry["code"], **values)
    try:
        candidate.full_clean(
            exclude=["search_text", "responsible", "economy"], validate_unique=False
        )
    except ValidationError as exc:
        raise ContentError(f"{where}: {exc.message_dict}") from exc
    values["search_text"] = search_text_of(candidate)
    programme = upsert(Programme, {"code": entry["code"]}, values, tally, "programmes")

    wanted_terms = {t.pk for t in _terms(entry, where, terms)}
    if set(programme.classifications.values_list("pk", flat=True)) != wanted_terms:
        programme.classifications.set(wanted_terms)
        tally["programme classifications updated"] += 1
    wanted_partners = {organisation(code).pk for code in entry.get("co_implementers") or []}
    if set(programme.co_implementers.values_list("pk", flat=True)) != wanted_partners:
        programme.co_implementers.set(wanted_partners)
        tally["programme partners updated"] += 1
    instruments = entry.get("instruments") or []
    if not instruments:
        raise ContentError(f"{where}: a programme needs at least one instrument")
    for instrument in instruments:
        kind = terms.get(("stip-instrument-types", instrument.get("type")))
        if kind is None:
            raise ContentError(
                f"{where}: instrument {instrument.get('code')}: unknown type {instrument.get('type')}"
            )
        upsert(
            Instrument,
            {"programme": programme, "code": instrument["code"]},
            {"name": instrument["name"], "type": kind},
            tally,
            "instruments",
        )
    return programme


@transaction.atomic
def content_load() -> Tally:
    """Load the starting programmes; return what was created or updated."""
    tally = Tally()
    data = read_yaml(CONTENT_DIR / "programmes.yaml")
    organisations = organisations_by_code()
    terms = {(t.vocabulary_id, t.code): t for t in term_list()}
    seen = set()
    for index, entry in enumerate(data["programmes"], start=1):
        if entry.get("code") in seen:
            raise ContentError(
                f"programmes.yaml: entry {index}: duplicate code {entry.get('code')}"
            )
        seen.add(entry.get("code"))
        load_programme(entry, index, organisations, terms, tally)
    return tally
