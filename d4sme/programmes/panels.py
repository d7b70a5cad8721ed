"""What the programmes app asks of a signed-in user next, on the home page (``HOME_PANELS``)."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from d4sme.core.steps import Step, steps_panel

from .models import ApplicationStatus
from .selectors import applications_of_user, curation_queue, programmes_managed_by


def home_steps(request) -> str:
    """Applications to decide and programmes to curate; a firm's applications and their status."""
    user = request.user
    steps = []
    managed = (
        programmes_managed_by(user=user)
        .annotate(
            waiting=Count(
                "calls__applications",
                filter=Q(calls__applications__status=ApplicationStatus.SUBMITTED),
                distinct=True,
            )
        )
        .filter(waiting__gt=0)
        .order_by("name")
    )
    for programme in managed:
        steps.append(
            Step(
                ngettext(
                    "Decide %(count)d application to %(programme)s",
                    "Decide %(count)d applications to %(programme)s",
                    programme.waiting,
                )
                % {"count": programme.waiting, "programme": programme.name},
                reverse("programmes:programme-manage", args=[programme.code]),
            )
        )
    if user.has_perm("programmes.curate_programme"):
        waiting = curation_queue(user=user).count()
        if waiting:
            steps.append(
                Step(
                    ngettext(
                        "Curate %(count)d programme submitted for publication",
                        "Curate %(count)d programmes submitted for publication",
                        waiting,
                    )
                    % {"count": waiting},
                    reverse("programmes:curation-queue"),
                )
            )
    for application in applications_of_user(user=user).order_by("-created_at")[:5]:
        steps.append(
            Step(
                _("%(firm)s's application to %(programme)s")
                % {
                    "firm": application.organisation.legal_name,
                    "programme": application.call.programme.name,
                },
                reverse("programmes:application-list"),
                application.get_status_display(),
            )
        )
    return steps_panel(
        request,
        heading=_("Programmes and applications"),
        heading_id="steps-programmes",
        steps=steps,
    )
