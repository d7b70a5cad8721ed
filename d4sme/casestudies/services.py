"""Writing cases and moving them through moderation."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import search
from .models import Case, CaseEvent, CaseStatus

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
EDITABLE = {CaseStatus.DRAFT, CaseStatus.RETURNED, CaseStatus.WITHDRAWN}


def search_text_of(case: Case) -> str:
    parts = [case.title, case.summary, case.preconditions, case.challenges, case.solutions]
    parts += [case.support, case.lessons]
    for fields in (case.translations or {}).values():
        parts += [str(v) for v in fields.values()]
    return "\n".join(p for p in parts if p)


def case_save(*, case: Case, user) -> Case:
    """Save a case's content; only while it is a draft, returned or withdrawn."""
    if case.pk and not user.has_perm("casestudies.change_case", case):
        raise PermissionDenied(_("You may not change this case."))
    if (
        case.pk
        and case.status not in EDITABLE
        and not user.has_perm("casestudies.moderate_case", case)
    ):
        raise ValidationError(_("A submitted or published case changes only after it is returned."))
    case.search_text = search_text_of(case)
    case.full_clean(exclude=["author", "embedding", "search_text"])
    case.save()
    return case


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


def case_classify(*, case: Case, technologies=(), barriers=(), programmes=()) -> None:
    """Set the case's pathway (in the given order), barriers and programmes used."""
    from .models import CaseTechnology

    CaseTechnology.objects.filter(case=case).delete()
    CaseTechnology.objects.bulk_create(
        CaseTechnology(case=case, term=term, position=i) for i, term in enumerate(technologies)
    )
    case.barriers.set(barriers)
    case.programmes.set(programmes)
