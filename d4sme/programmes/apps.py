from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "d4sme.programmes"
    label = "programmes"
    verbose_name = _("Programmes")

    def ready(self) -> None:
        from d4sme.core.hooks import HOME_PANELS, hook_register
        from d4sme.core.menu import MenuEntry, menu_register

        from .panels import home_steps

        hook_register(HOME_PANELS, home_steps)
        menu_register(
            MenuEntry("programmes:programme-list", _("Programmes"), 10),
            MenuEntry("programmes:application-list", _("Applications"), 70, True),
        )
