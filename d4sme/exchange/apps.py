from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "d4sme.exchange"
    label = "exchange"
    verbose_name = _("Data exchange")

    def ready(self) -> None:
        from d4sme.core.hooks import INDICATOR_PAGE_PANELS, hook_register
        from d4sme.core.menu import MenuEntry, menu_register
        from d4sme.reports.imports import import_kind_register

        from . import rules  # noqa: F401  (registers the permissions)
        from .importing import KIND, STATISTICS
        from .panels import official_beside_panel

        import_kind_register(KIND, STATISTICS)
        hook_register(INDICATOR_PAGE_PANELS, official_beside_panel)
        menu_register(MenuEntry("exchange:statistics", _("Official statistics"), 45))
