"""A firm's own results as data: one tidy table (CSV) and one document (JSON)."""

from __future__ import annotations

from d4sme.reports.tables import csv_text

from .benchmarks import enough_peers
from .instruments import pick
from .models import Response

RESULT_COLUMNS = (
    "response",
    "organisation",
    "instrument",
    "version",
    "stage",
    "submitted_at",
    "measure",
    "code",
    "label",
    "score",
    "band",
)


def result_rows(response: Response) -> list[list]:
    """One row per score: overall, each dimension, each scored question."""
    definition = response.version.parsed
    common = [
        response.pk,
        response.organisation.legal_name,
        definition.code,
        definition.version,
        response.stage,
        response.submitted_at.isoformat() if response.submitted_at else "",
    ]
    rows = [[*common, "overall", "overall", pick(definition.name), response.overall, response.band]]
    for d in definition.dimensions:
        score = response.scores["dimensions"][d.code]
        band = definition.band_for(score)
        rows.append([*common, "dimension", d.code, d.label, score, band.code if band else ""])
    for q in definition.questions:
        if q.code in response.scores.get("questions", {}):
            rows.append(
                [*common, "question", q.code, q.label, response.scores["questions"][q.code], ""]
            )
    return rows


def result_csv(response: Response) -> str:
    """Return the response's scores as CSV text (see ``result_rows``), safe in a spreadsheet."""
    return csv_text([RESULT_COLUMNS, *result_rows(response)])


def template_csv(columns: list[str]) -> str:
    """Return the header row of an import template as CSV text."""
    return csv_text([columns])


def result_document(response: Response) -> dict:
    definition = response.version.parsed
    position = getattr(response, "position", None)
    return {
        "response": response.pk,
        "organisation": {"id": response.organisation_id, "name": response.organisation.legal_name},
        "instrument": {"code": definition.code, "version": definition.version},
        "stage": response.stage,
        "mode": response.mode,
        "submitted_at": response.submitted_at.isoformat() if response.submitted_at else None,
        "overall": response.overall,
        "band": response.band,
        "level": response.level or None,
        "dimensions": response.scores.get("dimensions", {}),
        "questions": response.scores.get("questions", {}),
        "answers": response.answers,
        "benchmark": benchmark_of(position),
        "provisional_scoring": definition.provisional,
    }


def benchmark_of(position) -> dict | None:
    """The response's place among its peers, or None when there is none to show."""
    if position is None or not enough_peers(position.group):
        return None
    group = position.group
    return {
        "scope": group.scope,
        "economy": group.economy or None,
        "sector": group.sector or None,
        "size_class": group.size_class or None,
        "peers": group.size,
        "percentile": position.percentile,
        "percentiles": position.percentiles,
        "median_overall": group.median_overall,
        "medians": group.medians,
        "computed_at": position.computed_at.isoformat(),
    }
