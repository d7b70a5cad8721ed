from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from d4sme.assessments.content import instrument_load
from d4sme.core.content import ContentError, Tally


class Command(BaseCommand):
    help = "Validate an assessment instrument file (YAML) and load it as a new or changed version."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options) -> None:
        tally = Tally()
        try:
            with transaction.atomic():
                version = instrument_load(path, tally)
        except ContentError as exc:
            raise CommandError(f"Nothing was loaded: {exc}") from exc
        self.stdout.write(f"Loaded {version} ({tally.summary()}).")
