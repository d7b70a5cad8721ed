"""What the monitoring API answers: one output schema per kind of record.

The field names and their order are the API's JSON; codes are plan codes ("1.1.1") and ISO
alpha-2 economy codes, and an economy of null means the region.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema


class FrameworkOut(Schema):
    code: str
    name: str
    version: str
    start_year: int
    end_year: int
    economies: str = Field(description="The code of the grouping of economies reporting on it.")
    public: bool = Field(description="Whether its dashboards are public.")


class CycleOut(Schema):
    period: int
    opens_on: date
    closes_on: date


class ObjectiveOut(Schema):
    code: str
    name: str


class PriorityAreaOut(Schema):
    number: int
    name: str
    objectives: list[ObjectiveOut]


class FrameworkDetailOut(Schema):
    code: str
    name: str
    version: str
    start_year: int
    end_year: int
    economies: list[str] = Field(description="Codes of the economies reporting on the plan.")
    review_schedule: list[dict[str, Any]] = Field(
        description='Reviews planned, e.g. {"kind": "midterm", "year": 2022, "by": "the Chair"}.'
    )
    cycles: list[CycleOut]
    priority_areas: list[PriorityAreaOut]


class IndicatorOut(Schema):
    code: str
    name: str
    definition: str
    objectives: list[str] = Field(description="Codes of the objectives it serves.")
    group: str
    measure: str
    unit: str
    direction: str
    aggregation: str
    disaggregations: list[str] = Field(description="Codes of the dimensions it is broken down by.")
    minimum: float | None
    maximum: float | None
    derived_from: str | None = Field(description="The platform data it is derived from, if any.")


class ValueOut(Schema):
    indicator: str
    economy: str
    period: int
    dimension: str | None = Field(description="null for the total.")
    category: str | None
    value: float | None
    text: str | None
    status: str | None = Field(description="null, E, P, M, Z or L.")
    comment: str
    source: str


class ReportValueOut(ValueOut):
    review_note: str = Field(description="The analysts' note when they returned the value.")


class RegionOut(Schema):
    """How the region's figure was computed: its rule and the economies compared."""

    rule: str
    method: str
    coverage: str
    base_year: int | None
    year: int | None
    economies: list[str]
    one_year_only: list[str]
    members: int | None
    estimated: int


class ProgressOut(Schema):
    indicator: str
    economy: str | None
    status: str
    score: float | None
    base_year: int | None
    base_value: float | None
    current_year: int | None
    current_value: float | None
    target_year: int | None
    target_value: float | None
    observed_cagr: float | None
    required_cagr: float | None
    ratio: float | None
    method: str
    explanation: str
    region: RegionOut | None


class AnswerOut(Schema):
    text: str
    by: str
    at: datetime


class QuestionOut(Schema):
    id: int
    indicator: str | None = Field(description="null for a question about the whole report.")
    text: str
    asked_by: str
    asked_at: datetime
    open: bool
    resolved_at: datetime | None
    answers: list[AnswerOut]


class SubmissionOut(Schema):
    id: int
    framework: str
    period: int
    economy: str
    status: str
    submitted_at: datetime | None
    approved_at: datetime | None
    late: bool
    note: str


class SubmissionDetailOut(SubmissionOut):
    values: list[ReportValueOut]
    questions: list[QuestionOut]


class SubmissionSavedOut(SubmissionDetailOut):
    changed: int = Field(description="How many values were written or removed.")


class TargetOut(Schema):
    indicator: str
    economy: str | None
    baseline_year: int
    baseline_value: float
    target_year: int | None
    target_value: float | None
    source: str


class ChangedOut(Schema):
    changed: int = Field(description="How many records were written or removed.")
