from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "d4sme.assessments"
    label = "assessments"
    verbose_name = _("Assessments")

    def ready(self) -> None:
        from . import rules  # noqa: F401  (registers the permissions)
