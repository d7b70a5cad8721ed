from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from d4sme.programmes.imports import ProgrammeImportError, import_csv_zip, import_xlsx
from d4sme.registry.selectors import user_get

IMPORTERS = {".zip": import_csv_zip, ".xlsx": import_xlsx}


class Command(BaseCommand):
    help = (
        "Create or update programmes (as published) from the tables of an export: a .zip of "
        "CSV files or an .xlsx workbook. One bad row and nothing is imported."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="a .zip of CSV files or an .xlsx workbook")
        parser.add_argument(
            "--user", required=True, help="E-mail of the curator publishing the programmes."
        )

    def handle(self, *args, path: str, user: str, **options) -> None:
        importer_user = user_get(email=user)
        if importer_user is None:
            raise CommandError(f"There is no user {user}.")
        source = Path(path)
        importer = IMPORTERS.get(source.suffix.lower())
        if importer is None:
            raise CommandError(
                "Give a .zip of CSV files or an .xlsx workbook, as the export writes."
            )
        try:
            data = source.read_bytes()
        except OSError as exc:
            raise CommandError(f"Could not read {source}: {exc.strerror}.") from exc
        try:
            report = importer(data, user=importer_user)
        except ProgrammeImportError as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(
                f"Nothing was imported: {len(exc.errors)} error(s); correct the rows above."
            ) from exc
        self.stdout.write(report.summary())
