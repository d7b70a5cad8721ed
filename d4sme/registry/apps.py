from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "d4sme.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        from d4sme.core.menu import MenuEntry, menu_register

        menu_register(
            MenuEntry("registry:organisation-directory", _("Directory"), 50),
            MenuEntry("registry:organisation-register", _("Register an organisation"), 60, True),
            MenuEntry("registry:api-tokens", _("API tokens"), 80, True),
        )
