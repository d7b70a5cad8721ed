from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasestudiesConfig(AppConfig):
    name = "d4sme.casestudies"
    label = "casestudies"
    verbose_name = _("Case studies")

    def ready(self) -> None:
        from d4sme.assessments.panels import register

        from . import rules  # noqa: F401  (registers the permissions)
        from .panels import peer_cases

        register(peer_cases)
