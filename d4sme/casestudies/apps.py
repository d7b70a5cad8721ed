from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasestudiesConfig(AppConfig):
    name = "d4sme.casestudies"
    label = "casestudies"
    verbose_name = _("Case studies")

    def ready(self) -> None:
        from d4sme.core.hooks import ASSESSMENT_REPORT_PANELS, hook_register
        from d4sme.core.menu import MenuEntry, menu_register

        from . import rules  # noqa: F401  (registers the permissions)
        from .panels import peer_cases

        hook_register(ASSESSMENT_REPORT_PANELS, peer_cases)
        menu_register(MenuEntry("casestudies:case-list", _("Cases"), 30))
