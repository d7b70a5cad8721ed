from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "d4sme.matching"
    label = "matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        from d4sme.core.hooks import (
            ASSESSMENT_REPORT_PANELS,
            FIRM_PROGRAMMES_PAGE,
            HOME_PANELS,
            hook_register,
        )
        from d4sme.core.menu import MenuEntry, menu_register

        from . import rules  # noqa: F401  (registers the permissions)
        from .panels import home_recommendations, peer_cases, report_recommendations
        from .views import recommendations_page

        hook_register(ASSESSMENT_REPORT_PANELS, report_recommendations)
        hook_register(ASSESSMENT_REPORT_PANELS, peer_cases)
        hook_register(HOME_PANELS, home_recommendations)
        hook_register(FIRM_PROGRAMMES_PAGE, recommendations_page)
        menu_register(
            MenuEntry("matching:recommendations", _("Programmes for you"), 25, signed_in=True),
            MenuEntry("matching:youth", _("Digital jobs"), 26, signed_in=True),
            MenuEntry("matching:suppliers", _("Suppliers"), 27, signed_in=True),
        )
