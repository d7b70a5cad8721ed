"""Writing cases and moving them through moderation; each write is whole or not at all."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from d4sme.registry import selectors as registry_selectors
from d4sme.registry.models import OrganisationKind

from . import search
from .models import Case, CaseEvent, CaseStatus, CaseTechnology, Outcome

if TYPE_CHECKING:
    from d4sme.programmes.models import Programme
    from d4sme.registry.models import Organisation, Term

# (from, to) -> who may make the move: the case's owners or its moderators.
MOVES: dict[tuple[str, str], str] = {
    (CaseStatus.DRAFT, CaseStatus.SUBMITTED): "owner",
    (CaseStatus.RETURNED, CaseStatus.SUBMITTED): "owner",
    (CaseStatus.SUBMITTED, CaseStatus.RETURNED): "moderator",
    (CaseStatus.SUBMITTED, CaseStatus.PUBLISHED): "moderator",
    (CaseStatus.PUBLISHED, CaseStatus.ARCHIVED): "moderator",
    (CaseStatus.ARCHIVED, CaseStatus.PUBLISHED): "moderator",
    (CaseStatus.SUBMITTED, CaseStatus.WITHDRAWN): "owner",
    (CaseStatus.PUBLISHED, CaseStatus.WITHDRAWN): "owner",
    (CaseStatus.RETURNED, CaseStatus.WITHDRAWN): "owner",
    (CaseStatus.WITHDRAWN, CaseStatus.DRAFT): "owner",
}
# More memberships than this and the author must name the case's organisation.
MAX_MEMBERSHIPS = 20
EDITABLE = {CaseStatus.DRAFT, CaseStatus.RETURNED, CaseStatus.WITHDRAWN}


def search_text_of(case: Case) -> str:
    parts = [case.title, case.summary, case.preconditions, case.challenges, case.solutions]
    parts += [case.support, case.lessons, case.outcomes_text]
    for fields in (case.translations or {}).values():
        parts += [str(v) for v in fields.values()]
    return "\n".join(p for p in parts if p)


# The fields of a case its author writes; everything else is set by moderation.
CONTENT_FIELDS = (
    "title",
    "language",
    "economy",
    "isic_section",
    "size_class",
    "women_led",
    "youth_led",
    "anonymised",
    "period",
    "summary",
    "preconditions",
    "challenges",
    "solutions",
    "support",
    "lessons",
    "outcomes_text",
    "consent",
)


@dataclass(frozen=True)
class Classification:
    """The case's pathway of technologies (in order), the barriers met and programmes used."""

    technologies: Sequence[Term] = ()
    barriers: Sequence[Term] = ()
    programmes: Sequence[Programme] = ()


def _author_organisation(*, user, organisation: Organisation | None) -> Organisation:
    """Return the organisation a new case is about: the one named, or the author's only one."""
    mine = registry_selectors.organisations_of_user(user=user)
    if organisation is not None:
        if not mine.filter(pk=organisation.pk).exists():
            raise PermissionDenied(
                _("You may write a case only for an organisation you are a member of.")
            )
        return organisation
    found = list(mine[:MAX_MEMBERSHIPS])
    if not found:
        raise ValidationError(
            {"organisation": _("Register your firm, or join it, before you write its case.")}
        )
    firms = [o for o in found if o.kind == OrganisationKind.SME]
    if len(found) == 1 or len(firms) == 1:
        return found[0] if len(found) == 1 else firms[0]
    raise ValidationError(
        {"organisation": _("You are a member of several organisations: name the case's.")}
    )


def _write(
    case: Case, *, fields: dict, classification: Classification | None, outcomes: list | None
) -> Case:
    for name, value in fields.items():
        if name not in CONTENT_FIELDS:
            raise ValueError(f"{name} is not a field an author writes")
        setattr(case, name, value)
    case.search_text = search_text_of(case)
    case.full_clean(exclude=["author", "embedding", "search_text"])
    case.save()
    if classification is not None:
        CaseTechnology.objects.filter(case=case).delete()
        steps = [
            CaseTechnology(case=case, term=term, position=i)
            for i, term in enumerate(classification.technologies)
        ]
        for step in steps:
            step.full_clean(exclude=["case"])
        CaseTechnology.objects.bulk_create(steps)
        case.barriers.set(classification.barriers)
        case.programmes.set(classification.programmes)
    if outcomes is not None:
        case.outcomes.all().delete()
        rows = [Outcome(case=case, **row) for row in outcomes]
        for row in rows:
            row.full_clean(exclude=["case"])
        Outcome.objects.bulk_create(rows)
    search.index_later(case)
    return case


@transaction.atomic
def case_create(
    *,
    user,
    code: str | None = None,
    organisation: Organisation | None = None,
    fields: dict,
    classification: Classification | None = None,
    outcomes: list[dict] | None = None,
) -> Case:
    """Return a new draft case by ``user`` about their organisation, written whole or not at all.

    The organisation is the one named, which the author must be a member of, or else the
    author's only organisation; an author without one is refused.
    """
    case = Case(
        author=user, organisation=_author_organisation(user=user, organisation=organisation)
    )
    title = fields.get("title", "")
    case.code = code or f"{slugify(title)[:60] or 'case'}-{get_random_string(6).lower()}"
    return _write(case, fields=fields, classification=classification, outcomes=outcomes)


@transaction.atomic
def case_update(
    *,
    case: Case,
    user,
    fields: dict,
    classification: Classification | None = None,
    outcomes: list[dict] | None = None,
) -> Case:
    """Return the case with its content changed, whole or not at all.

    Its owners change it while it is a draft, returned or withdrawn; moderators at any time.
    """
    _check_editable(case=case, user=user)
    return _write(case, fields=fields, classification=classification, outcomes=outcomes)


@transaction.atomic
def case_translate(*, case: Case, user, language: str, fields: dict) -> Case:
    """Return the case with its text in another ``language`` stored beside the original."""
    _check_editable(case=case, user=user)
    if language == case.language:
        raise ValidationError({"language": _("The case is already written in this language.")})
    case.translations = {**case.translations, language: fields}
    case.search_text = search_text_of(case)
    case.save(update_fields=["translations", "search_text", "updated_at"])
    search.index_later(case)
    return case


def _check_editable(*, case: Case, user) -> None:
    if not user.has_perm("casestudies.change_case", case):
        raise PermissionDenied(_("You may not change this case."))
    if case.status not in EDITABLE and not user.has_perm("casestudies.moderate_case", case):
        raise ValidationError(_("A submitted or published case changes only after it is returned."))


@transaction.atomic
def case_move(*, case: Case, user, to: str, note: str = "") -> Case:
    """Move a case to another status, if the move exists and the user may make it."""
    who = MOVES.get((case.status, to))
    if who is None:
        raise ValidationError(
            _("A case cannot go from “%(from)s” to “%(to)s”.")
            % {
                "from": case.get_status_display(),
                "to": CaseStatus(to).label if to in CaseStatus.values else to,
            }
        )
    allowed = (
        user.has_perm("casestudies.moderate_case", case)
        if who == "moderator"
        else user.has_perm("casestudies.change_case", case)
    )
    if not allowed:
        raise PermissionDenied(_("You may not make this move."))
    if to == CaseStatus.RETURNED and not note.strip():
        raise ValidationError({"note": _("Say what to change when you return a case.")})
    if to == CaseStatus.PUBLISHED and not case.consent:
        raise ValidationError(_("The firm has not consented to publication."))
    CaseEvent.objects.create(case=case, user=user, from_status=case.status, to_status=to, note=note)
    case.status = to
    if to == CaseStatus.PUBLISHED and case.published_at is None:
        case.published_at = timezone.now()
    case.save(update_fields=["status", "published_at", "updated_at"])
    search.index_later(case)
    return case
