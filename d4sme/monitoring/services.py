"""Entering values, checking them and moving a submission through review.

Every write goes through ``values_save``: it checks the whole batch first (each value, then
the rules across values) and writes nothing when anything is wrong, so a form, an upload and
the API land whole or not at all. The value history (django-simple-history) records who
changed what, when, with the old and the new value.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from d4sme.reports.services import import_job_create

from . import reviews
from .models import (
    CATEGORIES,
    CATEGORY_CODE_LENGTH,
    DIMENSION_CODE_LENGTH,
    EXHAUSTIVE,
    MISSING_FLAGS,
    Answer,
    Breakdown,
    Dimension,
    Flag,
    Framework,
    Indicator,
    Measure,
    Proposal,
    Question,
    ReportingCycle,
    Review,
    ReviewSection,
    Submission,
    SubmissionEvent,
    SubmissionStatus,
    Value,
    dimension_label,
)

if TYPE_CHECKING:
    from d4sme.registry.models import Economy, EconomyGroup
    from d4sme.reports.models import ImportJob

MISSING = set(MISSING_FLAGS)
SOURCE_LENGTH = Value._meta.get_field("source").max_length
CATEGORY_LENGTH = Value._meta.get_field("category").max_length
# A value further than this many robust standard deviations from the economy's own earlier
# values (modified z-score, Iglewicz and Hoaglin) needs a comment; with fewer than three
# earlier values, a change beyond this factor does.
OUTLIER_Z = 3.5
OUTLIER_FACTOR = 3.0

# (from, to) -> who makes the move: the economy's focal point or a reviewer.
MOVES: dict[tuple[str, str], str] = {
    (SubmissionStatus.DRAFT, SubmissionStatus.SUBMITTED): "reporter",
    (SubmissionStatus.RETURNED, SubmissionStatus.SUBMITTED): "reporter",
    (SubmissionStatus.SUBMITTED, SubmissionStatus.RETURNED): "reviewer",
    (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED): "reviewer",
}


@dataclass
class Entry:
    """One value as a reporter states it; a row left wholly empty means "remove"."""

    indicator: Indicator
    dimension: str = ""
    category: str = ""
    value: float | None = None
    text: str = ""
    flag: str = ""
    comment: str = ""
    source: str = ""
    attachment: UploadedFile | None = None
    row: int | None = None  # the line of an uploaded file, for its messages

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.indicator.pk, self.dimension, self.category)

    @property
    def is_empty(self) -> bool:
        return (
            self.value is None
            and not self.text.strip()
            and not self.flag
            and not self.comment.strip()
            and not self.attachment
        )

    def label(self) -> str:
        where = _("row %(row)s, ") % {"row": self.row} if self.row else ""
        if self.dimension:
            return _("%(where)sindicator %(code)s (%(dimension)s: %(category)s)") % {
                "where": where,
                "code": self.indicator.code,
                "dimension": dimension_label(self.dimension),
                "category": self.category,
            }
        return _("%(where)sindicator %(code)s") % {"where": where, "code": self.indicator.code}


@dataclass
class Problems:
    """Messages per entry key, and messages about the batch as a whole."""

    by_key: dict[tuple[int, str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    general: list[str] = field(default_factory=list)
    labels: dict[tuple[int, str, str], str] = field(default_factory=dict)
    rows: dict[tuple[int, str, str], int | None] = field(default_factory=dict)

    def add(self, entry: Entry, message: str) -> None:
        self.by_key[entry.key].append(message)
        self.labels.setdefault(entry.key, entry.label())
        self.rows.setdefault(entry.key, entry.row)

    def __bool__(self) -> bool:
        return bool(self.general) or any(self.by_key.values())

    def messages(self) -> list[str]:
        """Every message, each starting with the value it is about."""
        return [message for _row, message in self.by_row()]

    def by_row(self) -> list[tuple[int | None, str]]:
        """Every message with the line of the uploaded file it is about (None: no line)."""
        found = [(None, m) for m in self.general]
        for key, messages in self.by_key.items():
            found += [(self.rows.get(key), f"{self.labels[key]}: {m}") for m in messages]
        return found


def submission_for(*, cycle: ReportingCycle, economy: Economy) -> Submission:
    _require_open(cycle)
    submission, _created = Submission.objects.get_or_create(cycle=cycle, economy=economy)
    return submission


def range_problem(indicator: Indicator, value: float) -> str | None:
    """Why a number is not a valid value of the indicator, or None when it is."""
    if not math.isfinite(value):
        return _("enter a number.")
    if indicator.minimum is not None and value < indicator.minimum:
        return _("%(value)s is below the lowest valid value, %(minimum)s.") % {
            "value": f"{value:g}",
            "minimum": f"{indicator.minimum:g}",
        }
    if indicator.maximum is not None and value > indicator.maximum:
        return _("%(value)s is above the highest valid value, %(maximum)s.") % {
            "value": f"{value:g}",
            "maximum": f"{indicator.maximum:g}",
        }
    return None


def _own_breakdown(framework_id: int, code: str) -> Breakdown:
    """Return the framework's own breakdown dimension ``code`` (empty if it has none)."""
    return Breakdown.objects.filter(framework_id=framework_id, code=code).first() or Breakdown(
        code=code, categories=[]
    )


def _check_breakdown(entry: Entry, problems: Problems) -> None:
    if entry.dimension not in entry.indicator.disaggregations:
        problems.add(entry, _("this indicator is not broken down by this dimension."))
        return
    allowed = CATEGORIES.get(entry.dimension)
    if allowed is None:
        allowed = _own_breakdown(entry.indicator.framework_id, entry.dimension).codes
    if not entry.category:
        problems.add(entry, _("name the category."))
    elif allowed is not None and entry.category not in allowed:
        problems.add(
            entry,
            _("“%(category)s” is not a category; use one of %(allowed)s.")
            % {"category": entry.category, "allowed": ", ".join(allowed)},
        )
    elif len(entry.category) > CATEGORY_LENGTH:
        problems.add(
            entry,
            _("a category's code may be %(count)s characters at most.")
            % {"count": CATEGORY_LENGTH},
        )


def _check_entry(entry: Entry, problems: Problems) -> None:
    """Add every problem of one value on its own: its breakdown, its status, its content."""
    indicator = entry.indicator
    if entry.dimension:
        _check_breakdown(entry, problems)
    if len(entry.source.strip()) > SOURCE_LENGTH:
        problems.add(
            entry, _("the source may be %(count)s characters at most.") % {"count": SOURCE_LENGTH}
        )
    flag: str | None = entry.flag
    if flag and flag not in Flag.values:
        problems.add(
            entry,
            _("“%(flag)s” is not a status; use one of %(allowed)s.")
            % {"flag": flag, "allowed": ", ".join(str(label) for label in Flag.labels)},
        )
        flag = None  # still judge what the row gives, without asking for a status again
    if flag in MISSING:
        if entry.value is not None or entry.text.strip():
            problems.add(
                entry,
                _(
                    "a value marked not available, not applicable or not collected "
                    "must be left empty."
                ),
            )
        return
    if indicator.measure == Measure.QUALITATIVE:
        if entry.value is not None:
            problems.add(entry, _("this indicator is qualitative: describe it in words."))
        elif not entry.text.strip() and flag is not None:
            problems.add(entry, _("describe it, or mark it not available."))
        return
    if entry.text.strip():
        problems.add(entry, _("enter a number."))
        return
    if entry.value is None:
        if flag is not None:
            problems.add(entry, _("enter a number, or mark it not available."))
        return
    problem = range_problem(indicator, entry.value)
    if problem:
        problems.add(entry, problem)


def _check_totals(entries: list[Entry], problems: Problems) -> None:
    """A total equals the sum of a complete breakdown and is never below a partial one."""
    totals, parts = {}, defaultdict(list)
    for e in entries:
        if e.indicator.measure not in (Measure.COUNT, Measure.MONEY) or e.value is None:
            continue
        if e.dimension:
            parts[(e.indicator.pk, e.dimension)].append(e)
        else:
            totals[e.indicator.pk] = e
    for (indicator_pk, dimension), items in parts.items():
        total = totals.get(indicator_pk)
        if total is None:
            continue
        if (
            dimension not in CATEGORIES
            and not _own_breakdown(total.indicator.framework_id, dimension).additive
        ):
            continue  # overlapping classes, such as 10-249 and GE10, add up to nothing
        added = sum(e.value for e in items)
        complete = dimension in EXHAUSTIVE and {e.category for e in items} == set(
            CATEGORIES[dimension]
        )
        label = dimension_label(dimension)
        if complete and not math.isclose(added, total.value, rel_tol=1e-9, abs_tol=1e-9):
            problems.add(
                total,
                _("the total %(total)s is not the sum of its breakdown by %(dimension)s (%(sum)s).")
                % {"total": f"{total.value:g}", "dimension": label, "sum": f"{added:g}"},
            )
        elif not complete and added > total.value * (1 + 1e-9):
            problems.add(
                total,
                _(
                    "the total %(total)s is below the sum of its breakdown by %(dimension)s (%(sum)s)."
                )
                % {"total": f"{total.value:g}", "dimension": label, "sum": f"{added:g}"},
            )


def is_outlier(value: float, history: list[float]) -> bool:
    """Whether a value is far from the economy's own earlier values of the indicator."""
    if not history:
        return False
    if len(history) < 3:
        last = history[-1]
        if last == 0 or value == 0:
            return value != last and max(abs(value), abs(last)) >= 10
        ratio = value / last
        return ratio > OUTLIER_FACTOR or ratio < 1 / OUTLIER_FACTOR
    median = statistics.median(history)
    mad = statistics.median(abs(x - median) for x in history)
    if mad == 0:
        spread = abs(median) * 0.1 or 1.0
        return abs(value - median) / spread > OUTLIER_Z
    return 0.6745 * abs(value - median) / mad > OUTLIER_Z


def _check_outliers(submission: Submission, entries: list[Entry], problems: Problems) -> None:
    totals = [
        e for e in entries if not e.dimension and e.value is not None and not e.comment.strip()
    ]
    if not totals:
        return
    earlier = defaultdict(list)
    for indicator_id, value in (
        Value.objects.filter(
            economy_id=submission.economy_id,
            indicator__in=[e.indicator for e in totals],
            period__lt=submission.cycle.period,
            dimension="",
            value__isnull=False,
        )
        .order_by("period")
        .values_list("indicator_id", "value")
    ):
        earlier[indicator_id].append(value)
    for entry in totals:
        history = earlier.get(entry.indicator.pk, [])
        if is_outlier(entry.value, history):
            problems.add(
                entry,
                _(
                    "%(value)s is far from this economy's earlier values (median %(median)s); "
                    "say why in a comment."
                )
                % {"value": f"{entry.value:g}", "median": f"{statistics.median(history):g}"},
            )


def values_check(submission: Submission, entries: list[Entry]) -> Problems:
    """Every problem with a batch, judged together with the values already stored.

    Each value is judged on its own first; the rules across values (a total against its
    breakdown, a value against the economy's history) then judge the values that passed,
    so one pass reports everything wrong with the batch.
    """
    problems = Problems()
    seen = set()
    judged = []
    for entry in entries:
        if entry.indicator.framework_id != submission.cycle.framework_id:
            problems.add(entry, _("this indicator belongs to another plan."))
            continue
        if entry.key in seen:
            problems.add(entry, _("this value is given twice."))
            continue
        seen.add(entry.key)
        if not entry.is_empty:
            _check_entry(entry, problems)
        judged.append(entry)
    # A value with a problem counts neither as given nor as stored: the rules across values
    # would otherwise judge a number the reporter is about to correct.
    doubtful = {key for key, messages in problems.by_key.items() if messages}
    sound = [e for e in judged if e.key not in doubtful]
    merged = {e.key: e for e in stored_entries(submission) if e.key not in doubtful}
    for entry in sound:
        if entry.is_empty:
            merged.pop(entry.key, None)
        else:
            merged[entry.key] = entry
    _check_totals(list(merged.values()), problems)
    _check_outliers(submission, [e for e in sound if not e.is_empty], problems)
    return problems


def stored_entries(submission: Submission) -> list[Entry]:
    return [
        Entry(
            indicator=v.indicator,
            dimension=v.dimension,
            category=v.category,
            value=v.value,
            text=v.text,
            flag=v.flag,
            comment=v.comment,
            source=v.source,
        )
        for v in submission.values.select_related("indicator")
    ]


def _require_open(cycle: ReportingCycle) -> None:
    """A year's reports start once its cycle opens; late reports are taken, and marked late."""
    if timezone.localdate() < cycle.opens_on:
        raise PermissionDenied(
            _("Reporting on %(period)s opens on %(date)s.")
            % {"period": cycle.period, "date": date_format(cycle.opens_on)}
        )


def _require_editable(submission: Submission, user) -> None:
    _require_open(submission.cycle)
    if not user.has_perm("monitoring.change_submission", submission):
        if submission.is_locked:
            raise PermissionDenied(_("This report is approved: its values are locked."))
        if submission.status == SubmissionStatus.SUBMITTED:
            raise PermissionDenied(
                _("This report is with the analysts; it can change again if they return it.")
            )
        raise PermissionDenied(_("Only the economy's focal point may change this report."))


def _write(current, fields: dict | None, user, make=None, force: bool = False) -> bool:
    """Delete a row (fields None), or create (``make``) or change it, recording ``user`` in
    its history; whether anything was written."""
    if fields is None:
        if current is None:
            return False
        current._history_user = user
        current.delete()
        return True
    if current is None:
        current = make()
    elif not force and all(getattr(current, k) == v for k, v in fields.items()):
        return False
    for key, value in fields.items():
        setattr(current, key, value)
    current._history_user = user
    current.save()
    return True


@transaction.atomic
def values_save(*, submission: Submission, user, entries: list[Entry]) -> int:
    """Write a batch of values whole, or raise ValidationError listing every problem."""
    submission = (
        Submission.objects.select_for_update().select_related("cycle").get(pk=submission.pk)
    )
    _require_editable(submission, user)
    problems = values_check(submission, entries)
    if problems:
        raise ValidationError(problems.messages())
    stored = {
        (v.indicator_id, v.dimension, v.category): v
        for v in submission.values.filter(indicator__in={e.indicator.pk for e in entries})
    }
    changed = 0
    for entry in entries:
        fields = None
        if not entry.is_empty:
            fields = {
                "value": entry.value if entry.flag not in MISSING else None,
                "text": entry.text.strip() if entry.flag not in MISSING else "",
                "flag": entry.flag,
                "comment": entry.comment.strip(),
                "source": entry.source.strip(),
            }

        def make(entry=entry) -> Value:
            return Value(
                submission=submission,
                indicator=entry.indicator,
                economy_id=submission.economy_id,
                period=submission.cycle.period,
                dimension=entry.dimension,
                category=entry.category,
            )

        current = stored.get(entry.key)
        if fields is not None and (
            current is None
            or entry.attachment
            or any(getattr(current, k) != v for k, v in fields.items())
        ):
            # A changed value loses the analysts' note about it.
            fields |= {"review_note": "", "updated_by": user}
            if entry.attachment:
                fields["attachment"] = entry.attachment
        changed += _write(current, fields, user, make, force=bool(entry.attachment))
    return changed


@transaction.atomic
def submission_move(
    *,
    submission: Submission,
    user,
    to: str,
    note: str = "",
    value_notes: dict[int, str] | None = None,
) -> Submission:
    """Submit, return with notes or approve a report, if the move exists and the user may."""
    submission = (
        Submission.objects.select_for_update().select_related("cycle").get(pk=submission.pk)
    )
    who = MOVES.get((submission.status, to))
    if who is None:
        raise ValidationError(
            _("A report cannot go from “%(from)s” to “%(to)s”.")
            % {
                "from": submission.get_status_display(),
                "to": SubmissionStatus(to).label if to in SubmissionStatus.values else to,
            }
        )
    permission = (
        "monitoring.review_submission" if who == "reviewer" else "monitoring.change_submission"
    )
    if not user.has_perm(permission, submission):
        raise PermissionDenied(_("You may not make this move."))
    value_notes = {k: v.strip() for k, v in (value_notes or {}).items() if v.strip()}
    if to == SubmissionStatus.SUBMITTED:
        problems = submission_problems(submission)
        if problems:
            raise ValidationError(problems)
    if to == SubmissionStatus.RETURNED:
        if not note.strip() and not value_notes:
            raise ValidationError({"note": _("Say what to correct when you return a report.")})
        values = {v.pk: v for v in submission.values.filter(pk__in=value_notes)}
        unknown = set(value_notes) - set(values)
        if unknown:
            raise ValidationError(_("A note is about a value that is not in this report."))
        for pk, text in value_notes.items():
            values[pk].review_note = text
            values[pk]._history_user = user
            values[pk].save(update_fields=["review_note"])
            # Each note opens a question in the report's thread, where the focal point answers.
            value = values[pk]
            where = (
                f"{dimension_label(value.dimension)}: {value.category} — "
                if value.dimension
                else ""
            )
            Question.objects.create(
                submission=submission, indicator=value.indicator, text=where + text, asked_by=user
            )
        if note.strip():
            Question.objects.create(submission=submission, text=note.strip(), asked_by=user)
    SubmissionEvent.objects.create(
        submission=submission, from_status=submission.status, to_status=to, note=note, by=user
    )
    now = timezone.now()
    submission.status = to
    if to == SubmissionStatus.SUBMITTED and submission.submitted_at is None:
        submission.submitted_at = now
    if to == SubmissionStatus.APPROVED:
        submission.approved_at = now
    if to == SubmissionStatus.RETURNED or note.strip():
        submission.note = note.strip()
    submission.save()
    return submission


def submission_problems(submission: Submission) -> list[str]:
    """Why a report cannot be submitted as it stands: every hole and every rule it breaks."""
    entries = stored_entries(submission)
    given = {e.indicator.pk for e in entries if not e.dimension}
    holes = [i.code for i in submission.cycle.framework.indicators.all() if i.pk not in given]
    messages = []
    if holes:
        messages.append(
            _(
                "Give each of these indicators a value, or mark it not available, not "
                "applicable or not collected: %(codes)s."
            )
            % {"codes": ", ".join(holes)}
        )
    problems = Problems()
    _check_totals(entries, problems)
    return messages + problems.messages()


@transaction.atomic
def question_ask(
    *, submission: Submission, user, text: str, indicator: Indicator | None = None
) -> Question:
    """Open a question about a report, or one of its indicators, in the report's thread."""
    if not user.has_perm("monitoring.ask_question", submission):
        raise PermissionDenied(_("The analysts ask questions about a report."))
    if indicator is not None and indicator.framework_id != submission.cycle.framework_id:
        raise ValidationError({"indicator": _("This indicator belongs to another plan.")})
    question = Question(
        submission=submission, indicator=indicator, text=text.strip(), asked_by=user
    )
    question.full_clean()
    question.save()
    return question


def _locked_question(question: Question) -> Question:
    return (
        Question.objects.select_for_update().select_related("submission__cycle").get(pk=question.pk)
    )


@transaction.atomic
def question_answer(*, question: Question, user, text: str) -> Answer:
    """Add a message to an open question's thread, as its report's focal point or an analyst."""
    question = _locked_question(question)
    if not user.has_perm("monitoring.answer_question", question):
        raise PermissionDenied(_("The report's focal points and the analysts answer here."))
    if not question.is_open:
        raise ValidationError(_("This question is resolved and closed; ask a new one."))
    answer = Answer(question=question, text=text.strip(), by=user)
    answer.full_clean()
    answer.save()
    return answer


@transaction.atomic
def question_resolve(*, question: Question, user) -> Question:
    """Close a question as resolved; an analyst's move."""
    question = _locked_question(question)
    if not user.has_perm("monitoring.resolve_question", question):
        raise PermissionDenied(_("The analysts resolve questions."))
    if not question.is_open:
        raise ValidationError(_("This question is already resolved."))
    question.resolved_at, question.resolved_by = timezone.now(), user
    question.save(update_fields=["resolved_at", "resolved_by", "updated_at"])
    return question


@transaction.atomic
def value_import_create(
    *, submission: Submission, user, file_name: str, content: bytes
) -> ImportJob:
    """Queue an uploaded file of values for the report and return its import job; the task
    runs once this commits."""
    from .imports import KIND  # imports uses this module's checks

    if not user.has_perm("monitoring.change_submission", submission):
        raise PermissionDenied(_("This report cannot change now."))
    return import_job_create(
        user=user, kind=KIND, target_id=submission.pk, file_name=file_name, content=content
    )


@transaction.atomic
def review_create(*, framework: Framework, user, kind: str, year: int, title: str) -> Review:
    """Take a snapshot of the plan's data into a new review pack with empty narratives."""
    if not user.has_perm("monitoring.write_review", framework):
        raise PermissionDenied(_("Analysts prepare reviews."))
    snapshot = reviews.snapshot_take(framework)
    review = Review(
        framework=framework,
        kind=kind,
        year=year,
        title=title,
        snapshot=snapshot,
        snapshot_id=reviews.snapshot_id(snapshot),
        created_by=user,
    )
    review.full_clean()
    review.save()
    ReviewSection.objects.create(review=review, priority_area=None)
    ReviewSection.objects.bulk_create(
        ReviewSection(review=review, priority_area=area) for area in framework.priority_areas.all()
    )
    return review


@transaction.atomic
def review_section_save(*, section: ReviewSection, user, body: str) -> ReviewSection:
    """Write the narrative of one section of a review pack."""
    if not user.has_perm("monitoring.write_review", section.review.framework):
        raise PermissionDenied(_("Analysts write reviews."))
    section.body, section.updated_by = body, user
    section.full_clean()
    section.save()
    return section


@transaction.atomic
def proposal_submit(*, framework: Framework, user, fields: dict) -> Proposal:
    """Record a project proposal to be ranked against ``framework``'s objectives; return it.

    ``fields`` are the proposal's own fields (as a form cleans them); ``priority_areas`` must
    belong to the framework and ``proponent`` must be one of its economies.
    """
    if not user.has_perm("monitoring.submit_proposal"):
        raise PermissionDenied(_("Focal points and analysts submit proposals."))
    fields = dict(fields)
    areas = list(fields.pop("priority_areas", []))
    if any(area.framework_id != framework.pk for area in areas):
        raise ValidationError({"priority_areas": _("Choose priority areas of this plan.")})
    proponent = fields.get("proponent")
    if proponent is not None and not framework.economies.members.filter(pk=proponent.pk).exists():
        raise ValidationError({"proponent": _("Choose an economy that reports on this plan.")})
    proposal = Proposal(framework=framework, created_by=user, **fields)
    proposal.full_clean()
    proposal.save()
    proposal.priority_areas.set(areas)
    return proposal


@dataclass
class TargetEntry:
    """A baseline and a target as someone states them; all four empty means "remove"."""

    indicator: Indicator
    baseline_year: int | None = None
    baseline_value: float | None = None
    target_year: int | None = None
    target_value: float | None = None
    source: str = ""

    @property
    def is_empty(self) -> bool:
        return all(
            v is None
            for v in (self.baseline_year, self.baseline_value, self.target_year, self.target_value)
        )


def target_problems(entry: TargetEntry) -> list[str]:
    indicator, problems = entry.indicator, []
    if indicator.measure == Measure.QUALITATIVE:
        return [_("a qualitative indicator has no numeric target.")]
    if (entry.baseline_year is None) != (entry.baseline_value is None):
        problems.append(_("give both the baseline's year and its value."))
    if (entry.target_year is None) != (entry.target_value is None):
        problems.append(_("give both the target's year and its value."))
    if entry.target_year is not None and entry.baseline_year is None:
        problems.append(_("a target needs a baseline to measure progress from."))
    if (
        entry.target_year is not None
        and entry.baseline_year is not None
        and entry.target_year <= entry.baseline_year
    ):
        problems.append(_("the target's year must come after the baseline's."))
    for value in (entry.baseline_value, entry.target_value):
        problem = range_problem(indicator, value) if value is not None else None
        if problem:
            problems.append(problem)
    return problems


@transaction.atomic
def targets_save(*, framework, economy: Economy | None, user, entries: list[TargetEntry]) -> int:
    """Write baselines and targets of one economy (or, with none, the region), whole or not."""
    from .models import Target

    if not user.has_perm("monitoring.set_targets", economy.code if economy else ""):
        raise PermissionDenied(
            _("An economy's focal points set its targets; analysts set the region's.")
        )
    problems = {}
    for entry in entries:
        if entry.indicator.framework_id != framework.pk:
            problems[entry.indicator.code] = [_("this indicator belongs to another plan.")]
        elif not entry.is_empty:
            found = target_problems(entry)
            if found:
                problems[entry.indicator.code] = found
    if problems:
        raise ValidationError(
            [
                _("indicator %(code)s: %(message)s") % {"code": code, "message": message}
                for code, messages in problems.items()
                for message in messages
            ]
        )
    stored = {
        t.indicator_id: t
        for t in Target.objects.filter(
            indicator__in=[e.indicator for e in entries], economy=economy
        )
    }
    changed = 0
    for entry in entries:
        fields = None
        if not entry.is_empty:
            fields = {
                "baseline_year": entry.baseline_year,
                "baseline_value": entry.baseline_value,
                "target_year": entry.target_year,
                "target_value": entry.target_value,
                "source": entry.source.strip(),
            }
        changed += _write(
            stored.get(entry.indicator.pk),
            fields,
            user,
            lambda entry=entry: Target(indicator=entry.indicator, economy=economy),
        )
    return changed


# Frameworks created in the product

BREAKDOWN_CODE_RE = r"[a-z][a-z0-9_]*"
# When a cycle's reporting window opens and closes, in the year after the one reported.
CYCLE_OPENS, CYCLE_CLOSES = (1, 1), (6, 30)


def _framework_problems(
    *, code: str, start_year: int, end_year: int, indicators: list[dict], breakdowns: list[dict]
) -> list[str]:
    import re

    problems = []
    if Framework.objects.filter(code=code).exists():
        problems.append(_("There is already a framework “%(code)s”.") % {"code": code})
    if end_year < start_year:
        problems.append(_("The last year comes before the first."))
    own = set()
    for b in breakdowns:
        bcode = str(b.get("code", ""))
        if not re.fullmatch(BREAKDOWN_CODE_RE, bcode) or len(bcode) > DIMENSION_CODE_LENGTH:
            problems.append(
                _(
                    "Breakdown “%(code)s”: a code is a lower-case letter, then letters, digits "
                    "or _, %(count)s characters at most."
                )
                % {"code": bcode, "count": DIMENSION_CODE_LENGTH}
            )
        if bcode in Dimension.values:
            problems.append(
                _("Breakdown “%(code)s” is built in already; give yours another code.")
                % {"code": bcode}
            )
        elif bcode in own:
            problems.append(_("Breakdown “%(code)s” is defined twice.") % {"code": bcode})
        own.add(bcode)
        categories = b.get("categories") or {}
        if not isinstance(categories, dict) or not categories:
            problems.append(
                _("Breakdown “%(code)s” needs its code list (code -> label).") % {"code": bcode}
            )
        elif any(not c or len(c) > CATEGORY_CODE_LENGTH for c in categories):
            problems.append(
                _("Breakdown “%(code)s”: a category's code has 1 to %(count)s characters.")
                % {"code": bcode, "count": CATEGORY_CODE_LENGTH}
            )
    if not indicators:
        problems.append(_("A framework has at least one indicator."))
    seen = set()
    for spec in indicators:
        icode = str(spec.get("code", ""))
        if not icode or len(icode) > 16:
            problems.append(_("An indicator's code has 1 to 16 characters."))
        if icode in seen:
            problems.append(_("Indicator “%(code)s” is defined twice.") % {"code": icode})
        seen.add(icode)
        if spec.get("measure", Measure.PERCENTAGE) not in Measure.values:
            problems.append(
                _("Indicator “%(code)s”: the measure is one of %(allowed)s.")
                % {"code": icode, "allowed": ", ".join(Measure.values)}
            )
        unknown = [
            d for d in spec.get("breakdowns", []) if d not in own and d not in Dimension.values
        ]
        if unknown:
            problems.append(
                _("Indicator “%(code)s”: no breakdown %(names)s.")
                % {"code": icode, "names": ", ".join(unknown)}
            )
    return problems


@transaction.atomic
def framework_create(
    *,
    user,
    code: str,
    name: str,
    grouping: EconomyGroup,
    start_year: int,
    end_year: int,
    indicators: list[dict],
    breakdowns: list[dict] | None = None,
    version: str = "1.0",
    source: str = "",
    vision: str = "",
    is_public: bool = True,
) -> Framework:
    """Create a framework with its indicators (code, name, unit, measure, breakdowns), its own
    breakdown dimensions (code, name, categories, additive), the grouping whose economies
    report on it, and a reporting cycle for each year; raise ValidationError listing every
    problem."""
    import datetime

    if not user.has_perm("monitoring.create_framework"):
        raise PermissionDenied(_("Analysts create frameworks."))
    breakdowns = list(breakdowns or [])
    problems = _framework_problems(
        code=code,
        start_year=start_year,
        end_year=end_year,
        indicators=indicators,
        breakdowns=breakdowns,
    )
    if problems:
        raise ValidationError(problems)
    framework = Framework(
        code=code,
        name=name,
        version=version,
        economies=grouping,
        start_year=start_year,
        end_year=end_year,
        source=source,
        vision=vision,
        is_public=is_public,
    )
    framework.full_clean()
    framework.save()
    for b in breakdowns:
        breakdown = Breakdown(
            framework=framework,
            code=b["code"],
            name=b.get("name") or b["code"],
            categories=[[str(k), str(v)] for k, v in b["categories"].items()],
            additive=bool(b.get("additive", False)),
        )
        breakdown.full_clean()
        breakdown.save()
    for position, spec in enumerate(indicators, start=1):
        indicator = Indicator(
            framework=framework,
            code=spec["code"],
            name=spec.get("name") or spec["code"],
            definition=spec.get("definition", ""),
            measure=spec.get("measure", Measure.PERCENTAGE),
            unit=spec.get("unit", ""),
            disaggregations=list(spec.get("breakdowns", [])),
            source=spec.get("source", ""),
            position=position,
            group=spec.get("group", "") or _("Indicators"),
        )
        indicator.full_clean()
        indicator.save()
    for year in range(start_year, end_year + 1):
        ReportingCycle.objects.create(
            framework=framework,
            period=year,
            opens_on=datetime.date(year + 1, *CYCLE_OPENS),
            closes_on=datetime.date(year + 1, *CYCLE_CLOSES),
        )
    return framework
