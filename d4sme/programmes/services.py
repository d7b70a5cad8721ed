"""Writes to the programme registry: curation, calls, applications, cohorts, overlap verdicts."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from d4sme.core.tasks import email_send
from d4sme.registry.selectors import membership_exists, organisation_members

from . import eligibility
from .models import (
    Application,
    ApplicationStatus,
    Call,
    Cohort,
    CurationStatus,
    Instrument,
    OverlapDecision,
    Participation,
    Programme,
)

if TYPE_CHECKING:
    from d4sme.registry.models import Organisation, User

# Curation moves: (from, to) -> the permission the move needs.
CURATION_MOVES = {
    (CurationStatus.DRAFT, CurationStatus.SUBMITTED): "programmes.change_programme",
    (CurationStatus.RETURNED, CurationStatus.SUBMITTED): "programmes.change_programme",
    (CurationStatus.SUBMITTED, CurationStatus.RETURNED): "programmes.curate_programme",
    (CurationStatus.SUBMITTED, CurationStatus.PUBLISHED): "programmes.curate_programme",
    (CurationStatus.PUBLISHED, CurationStatus.RETURNED): "programmes.curate_programme",
}


def search_text_of(programme: Programme) -> str:
    """Return the case-folded text that search looks in."""
    parts = [
        programme.name,
        programme.acronym,
        programme.original_name,
        programme.description,
        # By language code: PostgreSQL's jsonb does not keep the order the keys were written in.
        *(programme.translations[code] for code in sorted(programme.translations)),
        *(
            programme.description_translations[c]
            for c in sorted(programme.description_translations)
        ),
    ]
    return " ".join(" ".join(p.split()) for p in parts if p).casefold()


def programme_validate(programme: Programme) -> None:
    errors = eligibility.rules_validate(programme.eligibility)
    if errors:
        raise ValidationError({"eligibility": errors})
    if programme.budget_amount is not None and not programme.budget_currency:
        raise ValidationError({"budget_currency": _("Give the currency of the budget.")})
    programme.full_clean(exclude=["search_text", "classifications", "co_implementers"])


def programme_save(programme: Programme) -> Programme:
    """Validate and save a programme, keeping its search text current."""
    programme_validate(programme)
    programme.search_text = search_text_of(programme)
    programme.save()
    return programme


PROGRAMME_FIELDS = (
    "name",
    "acronym",
    "original_language",
    "original_name",
    "description",
    "economy",
    "government_level",
    "responsible",
    "start_year",
    "end_year",
    "status",
    "budget_amount",
    "budget_currency",
    "budget_year",
    "budget_band",
    "website",
)


@transaction.atomic
def programme_submit_draft(
    *,
    user: User,
    programme: Programme | None,
    fields: dict[str, Any],
    terms: list,
    rules: dict,
    instrument_name: str,
    instrument_type,
) -> Programme:
    """Create or change a draft programme as an agency or a focal point states it."""
    if programme is None:
        responsible = fields.get("responsible")
        belongs = responsible is not None and membership_exists(
            user=user, organisation_id=responsible.pk
        )
        if not (belongs or user.has_perm("programmes.curate_programme")):
            raise PermissionDenied(_("Submit programmes for an organisation you belong to."))
        programme = Programme(submitted_by=user, curation_status=CurationStatus.DRAFT)
        base = slugify(
            f"{fields['economy'].code if fields.get('economy') else 'int'}-{fields['name']}"
        )[:70]
        programme.code, n = base, 1
        while Programme.objects.filter(code=programme.code).exists():
            n += 1
            programme.code = f"{base}-{n}"
    elif not user.has_perm("programmes.change_programme", programme):
        raise PermissionDenied(_("You may not change this programme."))
    elif programme.curation_status == CurationStatus.SUBMITTED and not user.has_perm(
        "programmes.curate_programme", programme
    ):
        raise ValidationError(_("The programme is with the curators; wait for their answer."))
    for name in PROGRAMME_FIELDS:
        if name in fields:
            setattr(programme, name, fields[name])
    programme.eligibility = rules
    programme._change_reason = "edited"
    programme_save(programme)
    programme.classifications.set(terms)
    instrument = programme.instruments.first()
    if instrument is None:
        instrument = Instrument(programme=programme, code="main")
    instrument.name, instrument.type = instrument_name, instrument_type
    instrument.full_clean(validate_unique=False)
    instrument.save()
    return programme


@transaction.atomic
def programme_move(*, programme: Programme, user: User, to: str, note: str = "") -> Programme:
    """Move a programme through curation (submit, return with notes, publish)."""
    permission = CURATION_MOVES.get((programme.curation_status, to))
    if permission is None:
        raise ValidationError(
            _("A programme that is %(now)s cannot become %(to)s.")
            % {"now": programme.get_curation_status_display(), "to": CurationStatus(to).label}
        )
    if not user.has_perm(permission, programme):
        raise PermissionDenied(_("You may not do this to this programme."))
    if to == CurationStatus.RETURNED and not note.strip():
        raise ValidationError({"note": _("Say what needs to change when returning a programme.")})
    programme.curation_status = to
    programme.curation_note = (
        note.strip() if to == CurationStatus.RETURNED else programme.curation_note
    )
    if to == CurationStatus.SUBMITTED and programme.submitted_by_id is None:
        programme.submitted_by = user
    programme._change_reason = f"{to}: {note}".strip(": ")
    return programme_save(programme)


@transaction.atomic
def call_open(
    *,
    programme: Programme,
    user: User,
    title: str,
    opens_on: date,
    closes_on: date,
    description: str = "",
) -> Call:
    """Open a call for applications to a published programme."""
    if not user.has_perm("programmes.manage_programme", programme):
        raise PermissionDenied(_("Only the programme's managers may open calls."))
    if not programme.is_published:
        raise ValidationError(_("Publish the programme before opening a call."))
    call = Call(
        programme=programme,
        title=title,
        opens_on=opens_on,
        closes_on=closes_on,
        description=description,
    )
    call.full_clean()
    call.save()
    return call


def call_is_open(call: Call, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return call.opens_on <= today <= call.closes_on


@transaction.atomic
def application_submit(
    *, call: Call, organisation: Organisation, user: User, motivation: str
) -> Application:
    """Apply to an open call on behalf of a firm the user is a member of."""
    if not membership_exists(user=user, organisation_id=organisation.pk):
        raise PermissionDenied(_("You can apply only for an organisation you are a member of."))
    if not call_is_open(call):
        raise ValidationError(_("This call is not open."))
    programme = call.programme
    verdict = eligibility.check(
        rules=programme.eligibility,
        economy=programme.economy_id,
        economy_name=str(programme.economy or ""),
        firm=eligibility.Firm.of(organisation),
        stated=programme.eligibility_stated,
    )
    # Where the source states no rules, the agency judges the application itself.
    if verdict.unmet:
        raise ValidationError(
            _("%(firm)s is not eligible: %(why)s")
            % {
                "firm": organisation,
                "why": " ".join(r.text for r in verdict.reasons if r.outcome == eligibility.UNMET),
            }
        )
    if Application.objects.filter(call=call, organisation=organisation).exists():
        raise ValidationError(
            _("%(firm)s has already applied to this call.") % {"firm": organisation}
        )
    application = Application(
        call=call,
        organisation=organisation,
        submitted_by=user,
        motivation=motivation.strip(),
        eligibility=verdict.as_dict(),
    )
    application.full_clean()
    application.save()
    _notify(application, _("We received the application of %(firm)s to %(programme)s."))
    return application


def _notify(application: Application, template: str) -> None:
    """E-mail the members of the applying firm (through the task worker)."""
    recipients = list(
        organisation_members(organisation=application.organisation).values_list("email", flat=True)
    )
    if not recipients:
        return
    text = template % {"firm": application.organisation, "programme": application.call.programme}
    body = text + ("\n\n" + application.reason if application.reason else "")
    transaction.on_commit(
        lambda: email_send.enqueue(
            subject=f"d4sme: {application.call.programme}", body=body, to=recipients
        )
    )


DECISION_MESSAGES = {
    ApplicationStatus.ACCEPTED: gettext_noop("Good news: %(firm)s is accepted into %(programme)s."),
    ApplicationStatus.WAITLISTED: gettext_noop("%(firm)s is on the waiting list of %(programme)s."),
    ApplicationStatus.REJECTED: gettext_noop("%(firm)s was not accepted into %(programme)s."),
}


@transaction.atomic
def application_decide(
    *, application: Application, user: User, status: str, reason: str
) -> Application:
    """Accept, wait-list or reject an application, with a reason the applicant will read."""
    if not user.has_perm("programmes.decide_application", application):
        raise PermissionDenied(_("Only the programme's managers may decide on applications."))
    if status not in DECISION_MESSAGES:
        raise ValidationError({"status": _("Choose accept, wait-list or reject.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the applicant a reason.")})
    if hasattr(application, "participation"):
        raise ValidationError(_("This firm already takes part in a cohort."))
    application.status = status
    application.reason = reason.strip()
    application.decided_by = user
    application.decided_at = timezone.now()
    application.save()
    _notify(application, _(DECISION_MESSAGES[status]))
    return application


@transaction.atomic
def cohort_create(
    *, programme: Programme, user: User, name: str, starts_on: date | None = None
) -> Cohort:
    if not user.has_perm("programmes.manage_programme", programme):
        raise PermissionDenied(_("Only the programme's managers may form cohorts."))
    cohort = Cohort(programme=programme, name=name.strip(), starts_on=starts_on)
    cohort.full_clean()
    cohort.save()
    return cohort


@transaction.atomic
def participation_add(*, cohort: Cohort, application: Application, user: User) -> Participation:
    """Put an accepted applicant into a cohort of the same programme."""
    if not user.has_perm("programmes.manage_programme", cohort.programme):
        raise PermissionDenied(_("Only the programme's managers may form cohorts."))
    if application.call.programme_id != cohort.programme_id:
        raise ValidationError(_("The application is to another programme."))
    if application.status != ApplicationStatus.ACCEPTED:
        raise ValidationError(_("Only accepted applicants join a cohort."))
    participation = Participation(
        cohort=cohort, application=application, started_on=cohort.starts_on
    )
    participation.full_clean()
    participation.save()
    return participation


PARTICIPATION_FIELDS = (
    "started_on",
    "ended_on",
    "support_hours",
    "support_amount",
    "support_currency",
    "sales_before",
    "sales_after",
    "employment_before",
    "employment_after",
    "still_operating",
)


@transaction.atomic
def participation_record(
    *, participation: Participation, user: User, **fields: Any
) -> Participation:
    """Record the support a participant received and its outcomes."""
    if not user.has_perm("programmes.manage_programme", participation.cohort.programme):
        raise PermissionDenied(_("Only the programme's managers may record participation."))
    unknown = set(fields) - set(PARTICIPATION_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    for name, value in fields.items():
        setattr(participation, name, value)
    participation.full_clean()
    participation.save()
    return participation


@transaction.atomic
def overlap_decide(
    *, first: Programme, second: Programme, user: User, verdict: str, score: float, note: str = ""
) -> OverlapDecision:
    """Keep an analyst's verdict on a candidate overlap (the latest verdict wins)."""
    if not (user.has_perm("programmes.curate_programme", first)):
        raise PermissionDenied(_("Only analysts decide on overlaps."))
    if verdict not in OverlapDecision.Verdict.values:
        raise ValidationError({"verdict": _("Confirm or dismiss.")})
    a, b = sorted([first, second], key=lambda p: p.pk)
    decision, _created = OverlapDecision.objects.update_or_create(
        first=a,
        second=b,
        defaults={"verdict": verdict, "note": note.strip(), "score": score, "decided_by": user},
    )
    return decision
