from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasestudiesConfig(AppConfig):
    name = "d4sme.casestudies"
    label = "casestudies"
    verbose_name = _("Case studies")

    def ready(self) -> None:
        from d4sme.core.menu import MenuEntry, menu_register

        from . import rules  # noqa: F401  (registers the permissions)

        menu_register(MenuEntry("casestudies:case-list", _("Cases"), 30))
