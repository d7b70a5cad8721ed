from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


def content_modules() -> list:
    """Return each installed d4sme app's ``content`` module, in INSTALLED_APPS order."""
    modules = []
    for config in apps.get_app_configs():
        name = f"{config.name}.content"
        if config.name.startswith("d4sme.") and find_spec(name) is not None:
            module = import_module(name)
            if hasattr(module, "content_load"):
                modules.append(module)
    return modules


class Command(BaseCommand):
    help = "Load every app's starting content (economies, vocabularies, agencies, programmes); safe to run again."

    def handle(self, *args, **options) -> None:
        summaries = []
        try:
            with transaction.atomic():
                for module in content_modules():
                    summaries.append(module.content_load().summary())
        except ValueError as exc:  # each app's ContentError is a ValueError
            raise CommandError(f"Nothing was loaded: {exc}") from exc
        changes = [s for s in summaries if s != "no changes"]
        self.stdout.write(f"Starting content loaded ({'; '.join(changes) or 'no changes'}).")
