"""Demonstration cases: synthetic SME stories in four languages, published and searchable.

``content/demo-cases.yaml`` holds 64 invented cases, 16 in each of English, Korean,
Portuguese and Spanish, marked synthetic wherever they show. ``d4sme demo`` loads them once,
publishes them, indexes their text and computes their embeddings in one batch.
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction
from django.utils import timezone

from d4sme.core.content import ContentError, read_yaml
from d4sme.programmes.selectors import programme_list
from d4sme.registry.selectors import economy_list, term_list

from . import search
from .models import Case, CaseStatus, CaseTechnology, Outcome
from .services import search_text_of

DEMO_CASES = Path(__file__).resolve().parent / "content" / "demo-cases.yaml"
TEXT_FIELDS = (
    "title",
    "summary",
    "preconditions",
    "challenges",
    "solutions",
    "support",
    "lessons",
    "outcomes_text",
)


@transaction.atomic
def cases_load(path: Path = DEMO_CASES) -> list[Case]:
    """Create and publish every case of a demonstration file that does not exist yet."""
    entries = (read_yaml(path) or {}).get("cases") or []
    terms = {
        (t.vocabulary_id, t.code): t for t in term_list(vocabularies=["technologies", "barriers"])
    }
    programmes = {p.code: p for p in programme_list()}
    economies = {economy.code for economy in economy_list()}
    existing = set(Case.objects.values_list("code", flat=True))
    created = []
    now = timezone.now()
    for index, entry in enumerate(entries):
        where = f"{path.name}: case {index} ({entry.get('code', '?')})"
        if entry["code"] in existing:
            continue
        if entry.get("economy") not in economies:
            raise ContentError(f"{where}: no economy {entry.get('economy')!r}")
        case = Case(
            code=entry["code"],
            anonymised=True,
            economy_id=entry["economy"],
            isic_section=entry["isic_section"],
            size_class=entry["size_class"],
            women_led=bool(entry.get("women_led")),
            youth_led=bool(entry.get("youth_led")),
            period=entry["period"],
            language=entry["language"],
            consent=True,
            status=CaseStatus.PUBLISHED,
            published_at=now,
            is_synthetic=True,
            **{f: str(entry.get(f) or "").strip() for f in TEXT_FIELDS},
        )
        case.search_text = search_text_of(case)
        case.save()
        steps = []
        for position, code in enumerate(entry.get("technologies") or []):
            if ("technologies", code) not in terms:
                raise ContentError(f"{where}: no technology {code!r}")
            steps.append(
                CaseTechnology(case=case, term=terms["technologies", code], position=position)
            )
        CaseTechnology.objects.bulk_create(steps)
        for code in entry.get("barriers") or []:
            if ("barriers", code) not in terms:
                raise ContentError(f"{where}: no barrier {code!r}")
        case.barriers.set([terms["barriers", c] for c in entry.get("barriers") or []])
        case.programmes.set(
            [programmes[c] for c in entry.get("programmes") or [] if c in programmes]
        )
        Outcome.objects.bulk_create(
            Outcome(case=case, **{k: o.get(k) for k in ("measure", "before", "after", "unit")})
            for o in entry.get("outcomes") or []
        )
        created.append(case)
    if created:
        search.reindex(created)
        for case in created[:3]:
            case.featured = True
        Case.objects.bulk_update(created[:3], ["featured"])
    return created


def demo_prepare(*, smes: int, seed: int) -> list[str]:
    created = cases_load()
    return [f"Published {len(created)} synthetic cases in four languages."] if created else []
