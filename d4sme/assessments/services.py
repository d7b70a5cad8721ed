"""Taking an assessment: starting, saving page by page, submitting and scoring."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from d4sme.registry.selectors import membership_exists
from d4sme.reports.services import import_job_create

from .models import Instrument, InstrumentVersion, Mode, Response, ResponseStatus, Stage
from .scoring import AnswerError, engine
from .tasks import benchmarks_refresh_later

if TYPE_CHECKING:
    from d4sme.programmes.models import Participation
    from d4sme.registry.models import Organisation
    from d4sme.reports.models import ImportJob


def response_start(
    *,
    user,
    organisation: Organisation,
    instrument: Instrument,
    stage: str = Stage.BEFORE,
    participation: Participation | None = None,
) -> Response:
    """Open a new response on the instrument's current version for a firm the user may assess."""
    if not user.has_perm("assessments.assess_organisation", organisation):
        raise PermissionDenied(_("You may not assess this organisation."))
    if stage not in Stage.values:
        raise ValidationError({"stage": _("Choose a stage.")})
    if participation is not None and participation.application.organisation_id != organisation.pk:
        raise ValidationError(
            {"participation": _("This participation belongs to another organisation.")}
        )
    version = instrument.current_version()
    if version is None:
        raise ValidationError(_("This instrument has no version to answer yet."))
    member = membership_exists(user=user, organisation_id=organisation.pk)
    return Response.objects.create(
        version=version,
        organisation=organisation,
        stage=stage,
        participation=participation,
        mode=Mode.SELF if member else Mode.ADVISOR,
        entered_by=user,
    )


def _check_open(response: Response, user) -> None:
    if response.is_submitted:
        raise ValidationError(_("This assessment has been submitted and can no longer change."))
    if not user.has_perm("assessments.change_response", response):
        raise PermissionDenied(_("You may not change this assessment."))


def response_save(*, response: Response, user, answers: dict, page: int | None = None) -> Response:
    """Store answers to some questions (a page, or any subset through the API).

    Each given answer is checked against its question; unknown questions are refused. Answers
    already stored for other questions are kept, so the firm can leave and resume.
    """
    _check_open(response, user)
    definition = response.version.parsed
    unknown = sorted(set(answers) - set(definition.by_code))
    if unknown:
        raise AnswerError({code: _("There is no such question.") for code in unknown})
    questions = [definition.by_code[code] for code in answers]
    engine(definition).validate(answers, questions)
    response.answers = {**response.answers, **answers}
    fields = ["answers", "updated_at"]
    if page is not None and page + 1 > response.page:
        response.page = min(page + 1, len(definition.pages) + 1)
        fields.append("page")
    response.save(update_fields=fields)
    return response


def unanswered(response: Response) -> dict[str, str]:
    """Return the questions still to answer before submitting, with what is missing."""
    try:
        engine(response.version.parsed).validate(response.answers)
    except AnswerError as exc:
        return exc.errors
    return {}


def response_submit(*, response: Response, user) -> Response:
    """Check that every question is answered, score the response and lock it."""
    _check_open(response, user)
    definition = response.version.parsed
    scoring = engine(definition)
    scoring.validate(response.answers)
    apply_scores(response, scoring.score_one(response.answers))
    response.status = ResponseStatus.SUBMITTED
    response.submitted_at = timezone.now()
    response.save()
    benchmarks_refresh_later(response.version.instrument_id)
    return response


def stored_fields(result: dict) -> dict:
    """The Response fields that hold an engine result."""
    return {
        "overall": result["overall"],
        "band": result["band"],
        "level": result["level"],
        "scores": {"dimensions": result["dimensions"], "questions": result["questions"]},
    }


def apply_scores(response: Response, result: dict) -> None:
    for name, value in stored_fields(result).items():
        setattr(response, name, value)


def response_rescore(response: Response) -> dict:
    """Score a stored response again under its own version (the result never differs)."""
    return engine(response.version.parsed).score_one(response.answers)


def response_import_create(
    *, user, version: InstrumentVersion, file_name: str, content: bytes
) -> ImportJob:
    """Queue a file of responses collected elsewhere for checking and return its import job."""
    from .imports import KIND  # imports reads this module's stored_fields

    if not user.has_perm("assessments.import_responses"):
        raise PermissionDenied(_("You may not import responses."))
    return import_job_create(
        user=user, kind=KIND, target_id=version.pk, file_name=file_name, content=content
    )
