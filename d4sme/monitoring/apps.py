from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "d4sme.monitoring"
    label = "monitoring"
    verbose_name = _("KPI monitoring")

    def ready(self) -> None:
        from d4sme.core.hooks import HOME_PANELS, hook_register
        from d4sme.core.menu import MenuEntry, menu_register
        from d4sme.reports.imports import import_kind_register
        from d4sme.reports.pdf import pdf_source_register

        from . import rules  # noqa: F401  (registers the permissions)
        from .imports import KIND, VALUES
        from .panels import home_steps
        from .reviews import PDF_SOURCE, REVIEW_PDF

        hook_register(HOME_PANELS, home_steps)
        pdf_source_register(PDF_SOURCE, REVIEW_PDF)
        import_kind_register(KIND, VALUES)
        menu_register(MenuEntry("monitoring:home", _("Monitoring"), 40))
