"""Published cases as open data: one record per case (JSON), or one row per case (CSV)."""

from d4sme.reports.tables import csv_text

from .selectors import published

COLUMNS = [
    "code", "title", "language", "economy", "isic_section", "size_class", "women_led",
    "youth_led", "period", "technologies", "barriers", "programmes", "summary", "challenges",
    "solutions", "support", "lessons", "outcomes_text", "outcomes", "published_at", "synthetic",
]  # fmt: skip


def flat(value) -> str:
    if isinstance(value, list):
        return ";".join(
            f"{v['measure']}:{v['before']}->{v['after']}{v['unit']}"
            if isinstance(v, dict)
            else str(v)
            for v in value
        )
    return "" if value is None else str(value)


def case_rows() -> list[dict]:
    """Every published case; unpublished ones never leave the platform this way."""
    cases = (
        published()
        .select_related("economy")
        .prefetch_related("pathway__term", "barriers", "programmes", "outcomes")
    )
    return [
        {
            "code": c.code,
            "title": c.title,
            "language": c.language,
            "economy": c.economy_id,
            "isic_section": c.isic_section,
            "size_class": c.size_class,
            "women_led": c.women_led,
            "youth_led": c.youth_led,
            "period": c.period,
            "technologies": [s.term.code for s in c.pathway.all()],
            "barriers": [t.code for t in c.barriers.all()],
            "programmes": [p.code for p in c.programmes.all()],
            "summary": c.summary,
            "challenges": c.challenges,
            "solutions": c.solutions,
            "support": c.support,
            "lessons": c.lessons,
            "outcomes_text": c.outcomes_text,
            "outcomes": [
                {"measure": o.measure, "before": o.before, "after": o.after, "unit": o.unit}
                for o in c.outcomes.all()
            ],
            "published_at": c.published_at.isoformat() if c.published_at else None,
            "synthetic": c.is_synthetic,
        }
        for c in cases
    ]


def cases_csv() -> str:
    """Return every published case as CSV text, one row per case, safe to open in a spreadsheet."""
    return csv_text([COLUMNS, *([flat(row[c]) for c in COLUMNS] for row in case_rows())])
