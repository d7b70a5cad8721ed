from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "d4sme.assessments"
    label = "assessments"
    verbose_name = _("Assessments")

    def ready(self) -> None:
        from d4sme.core.hooks import (
            HOME_PANELS,
            ORGANISATION_BARRIERS,
            ORGANISATION_FACTS,
            hook_register,
        )
        from d4sme.core.menu import MenuEntry, menu_register
        from d4sme.reports.imports import import_kind_register
        from d4sme.reports.pdf import pdf_source_register

        from . import rules  # noqa: F401  (registers the permissions)
        from .imports import KIND, RESPONSES
        from .panels import home_steps
        from .reports import PDF_SOURCE, REPORT_PDF
        from .selectors import organisation_barriers_latest, organisation_facts

        hook_register(ORGANISATION_BARRIERS, organisation_barriers_latest)
        hook_register(HOME_PANELS, home_steps)
        hook_register(ORGANISATION_FACTS, organisation_facts)
        import_kind_register(KIND, RESPONSES)
        pdf_source_register(PDF_SOURCE, REPORT_PDF)
        menu_register(MenuEntry("assessments:home", _("Assessments"), 20))
