from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


def demo_modules() -> list:
    """Return each installed d4sme app's ``demo`` module, in INSTALLED_APPS order."""
    modules = []
    for config in apps.get_app_configs():
        name = f"{config.name}.demo"
        if config.name.startswith("d4sme.") and find_spec(name) is not None:
            module = import_module(name)
            if hasattr(module, "demo_prepare"):
                modules.append(module)
    return modules


class Command(BaseCommand):
    help = (
        "Create the demonstration users, synthetic SMEs and open calls, once; print how to log in."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--smes", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, smes: int, seed: int, **options) -> None:
        with transaction.atomic():
            for module in demo_modules():
                for line in module.demo_prepare(smes=smes, seed=seed):
                    self.stdout.write(line)
