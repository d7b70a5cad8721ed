"""What the case-study API answers: a case, a search result page, and an open-data record."""

from __future__ import annotations

from ninja import Field, Schema


class CaseOut(Schema):
    code: str
    status: str
    title: str
    language: str
    economy: str
    isic_section: str
    size_class: str
    period: str
    summary: str
    challenges: str
    solutions: str
    support: str
    lessons: str
    outcomes_text: str = Field("", description="The outcomes in words.")
    synthetic: bool = Field(description="Generated for a demonstration, not a real firm's.")


class CaseFoundOut(CaseOut):
    score: float = Field(description="How well the case matches the query; 0 without one.")


class FacetValueOut(Schema):
    value: str
    label: str
    count: int


class CaseSearchOut(Schema):
    results: list[CaseFoundOut]
    facets: dict[str, list[FacetValueOut]] = Field(
        description="For each facet, its values with the number of matching cases."
    )


class OutcomeOut(Schema):
    measure: str
    before: float | None
    after: float | None
    unit: str


class CaseRecordOut(Schema):
    """A published case as open data."""

    code: str
    title: str
    language: str
    economy: str
    isic_section: str
    size_class: str
    women_led: bool
    youth_led: bool
    period: str
    technologies: list[str] = Field(description="Technology term codes, in the order adopted.")
    barriers: list[str]
    programmes: list[str]
    summary: str
    challenges: str
    solutions: str
    support: str
    lessons: str
    outcomes_text: str = Field("", description="The outcomes in words.")
    outcomes: list[OutcomeOut]
    published_at: str | None = Field(json_schema_extra={"format": "date-time"})
    synthetic: bool
