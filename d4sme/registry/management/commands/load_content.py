from django.core.management.base import BaseCommand, CommandError

from d4sme.registry.content import ContentError, content_load


class Command(BaseCommand):
    help = "Load the starting content (economies, vocabularies, agencies); safe to run again."

    def handle(self, *args, **options) -> None:
        try:
            tally = content_load()
        except ContentError as exc:
            raise CommandError(f"Nothing was loaded: {exc}") from exc
        self.stdout.write(f"Starting content loaded ({tally.summary()}).")
