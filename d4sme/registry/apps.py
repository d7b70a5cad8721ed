from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "d4sme.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from d4sme.core.menu import MenuEntry, menu_register
        from d4sme.core.widgets import options_changed

        from .models import Economy

        # Pages cache their rendered lists of economies; a renamed or new economy retires them.
        for signal in (post_save, post_delete):
            signal.connect(
                options_changed, sender=Economy, dispatch_uid=f"economy-options-{signal}"
            )

        menu_register(
            MenuEntry("registry:organisation-directory", _("Directory"), 50),
            MenuEntry("registry:organisation-register", _("Register an organisation"), 60, True),
            MenuEntry("registry:api-tokens", _("API tokens"), 80, True),
        )
