from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "d4sme.evaluation"
    label = "evaluation"
    verbose_name = _("Evaluation")

    def ready(self) -> None:
        from d4sme.core.menu import MenuEntry, menu_register
        from d4sme.reports.pdf import pdf_source_register

        from . import rules  # noqa: F401  (registers the permissions)
        from .brief import BRIEF_PDF, PDF_SOURCE

        pdf_source_register(PDF_SOURCE, BRIEF_PDF)
        menu_register(MenuEntry("evaluation:evaluation-list", _("Evaluations"), 46))
