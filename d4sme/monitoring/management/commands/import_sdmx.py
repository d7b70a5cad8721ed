"""Load one indicator's annual values from an SDMX message published by a statistical office."""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from d4sme.monitoring.imports import external_import
from d4sme.monitoring.models import Framework, Indicator
from d4sme.registry.selectors import user_get


class Command(BaseCommand):
    help = (
        "Load an indicator's values from an SDMX-ML or SDMX-CSV data message, e.g. "
        "import-sdmx apec-smewg-2021-2024 2.1.2 exports.xml --select na_item=B1GQ --user analyst@…"
    )

    def add_arguments(self, parser):
        parser.add_argument("framework")
        parser.add_argument("indicator")
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--structure", type=Path, help="The message's structure (DSD), if needed."
        )
        parser.add_argument("--select", action="append", default=[], metavar="DIMENSION=CODE")
        parser.add_argument(
            "--user", required=True, help="E-mail of the analyst or focal point loading it."
        )
        parser.add_argument("--source", default="", help="Source to record on every value.")

    def handle(self, *args, **options):
        try:
            framework = Framework.objects.get(code=options["framework"])
            user = user_get(email=options["user"])
            if user is None:
                raise CommandError(f"There is no user {options['user']}.")
            select = dict(item.split("=", 1) for item in options["select"])
            result = external_import(
                framework=framework,
                indicator_code=options["indicator"],
                content=options["file"].read_bytes(),
                structure=options["structure"].read_bytes() if options["structure"] else None,
                user=user,
                select=select,
                source=options["source"] or options["file"].name,
            )
        except (Framework.DoesNotExist, Indicator.DoesNotExist) as exc:
            raise CommandError(str(exc)) from exc
        except ValueError as exc:
            raise CommandError(f"Nothing was loaded: {exc}") from exc
        except ValidationError as exc:
            raise CommandError("Nothing was loaded:\n" + "\n".join(exc.messages)) from exc
        except PermissionDenied as exc:
            raise CommandError(f"Nothing was loaded: {exc}") from exc
        self.stdout.write(
            f"Loaded {result.written} values for {', '.join(result.economies)} "
            f"({', '.join(map(str, result.periods))})."
        )
