from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "d4sme.evaluation"
    label = "evaluation"
    verbose_name = _("Evaluation")

    def ready(self) -> None:
        from d4sme.core.hooks import PROGRAMME_PAGE_PANELS, hook_register
        from d4sme.core.menu import MenuEntry, menu_register
        from d4sme.reports.pdf import pdf_source_register

        from . import rules  # noqa: F401  (registers the permissions)
        from .brief import BRIEF_PDF, PDF_SOURCE
        from .panels import programme_evaluation_panel

        pdf_source_register(PDF_SOURCE, BRIEF_PDF)
        hook_register(PROGRAMME_PAGE_PANELS, programme_evaluation_panel)
        menu_register(MenuEntry("evaluation:evaluation-list", _("Evaluations"), 46))
