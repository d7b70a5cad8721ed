import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from d4sme.programmes.exports import export_csv_zip, export_json, export_xlsx


class Command(BaseCommand):
    help = (
        "Write the published programmes as open data: a zip of CSV files, an Excel workbook "
        "or JSON, each with its codebook."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--format", dest="output_format", choices=("csv", "xlsx", "json"), default="csv"
        )
        parser.add_argument(
            "--output", required=True, help="file to write (.zip for csv, .xlsx, .json)"
        )

    def handle(self, *args, output_format: str, output: str, **options) -> None:
        if output_format == "csv":
            data = export_csv_zip()
        elif output_format == "xlsx":
            data = export_xlsx()
        else:
            document = export_json()
            data = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
            data = data.encode("utf-8")
        path = Path(output)
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"Could not write {path}: {exc.strerror}.") from exc
        self.stdout.write(f"Wrote the published programmes to {path} ({len(data):,} bytes).")
