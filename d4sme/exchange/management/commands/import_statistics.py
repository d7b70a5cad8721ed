"""Import a file of official statistics, as the import page does, and say what happened."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from d4sme.registry.selectors import user_get
from d4sme.reports.services import import_job_run

from ... import selectors, services


class Command(BaseCommand):
    help = (
        "Import official statistics (SDMX-ML 2.1, SDMX-CSV 1.0/2.0, Eurostat bulk TSV, XLSX) "
        "whole or not at all, e.g. import-statistics estat_isoc_cicce_use.tsv.gz "
        "--user analyst@… --url https://… . Analysts and administrators may use it."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="E-mail of the analyst importing it.")
        parser.add_argument(
            "--structure", type=Path, help="The SDMX-ML structure message (DSD), if needed."
        )
        parser.add_argument("--sheet", default="", help="The workbook's sheet to read.")
        parser.add_argument("--agency", default="", help="Publisher, e.g. ESTAT.")
        parser.add_argument("--dataset", default="", help="Dataset code, e.g. isoc_e_dii.")
        parser.add_argument("--name", default="")
        parser.add_argument("--source", default="", help="The source, as users must cite it.")
        parser.add_argument("--url", default="", help="Where the file was downloaded from.")
        parser.add_argument("--licence", default="")
        parser.add_argument("--retrieved", default="", help="Retrieval date, YYYY-MM-DD.")
        parser.add_argument("--mapping", default="", help="The name of a saved mapping.")
        parser.add_argument(
            "--mapping-file",
            type=Path,
            help="A mapping in JSON, saved under --mapping (or the file's name) and used.",
        )

    def handle(self, *args, **options):
        user = user_get(email=options["user"])
        if user is None or not user.is_active:
            raise CommandError(f"There is no active user {options['user']}.")
        try:
            content = options["file"].read_bytes()
            structure = options["structure"].read_bytes() if options["structure"] else None
            retrieved = date.fromisoformat(options["retrieved"]) if options["retrieved"] else None
            mapping = None
            if options["mapping_file"]:
                spec = json.loads(options["mapping_file"].read_text(encoding="utf-8"))
                mapping = services.mapping_save(
                    user=user,
                    name=options["mapping"] or options["mapping_file"].stem,
                    spec=spec,
                )
            elif options["mapping"]:
                mapping = selectors.mapping_get(name=options["mapping"])
                if mapping is None:
                    raise CommandError(f"There is no mapping “{options['mapping']}”.")
            job = services.statistics_import_create(
                user=user,
                file_name=options["file"].name,
                content=content,
                structure=structure,
                agency=options["agency"],
                code=options["dataset"],
                name=options["name"],
                source=options["source"],
                url=options["url"],
                licence=options["licence"],
                retrieved_on=retrieved,
                sheet=options["sheet"],
                mapping=mapping,
            )
        except OSError as exc:
            raise CommandError(f"Nothing was imported: {exc.strerror}: {exc.filename}") from exc
        except ValueError as exc:  # a bad date, or a mapping file that is not JSON
            raise CommandError(f"Nothing was imported: {exc}") from exc
        except ValidationError as exc:
            raise CommandError("Nothing was imported:\n" + "\n".join(exc.messages)) from exc
        except PermissionDenied as exc:
            raise CommandError(f"Nothing was imported: {exc}") from exc
        import_job_run(job_id=job.pk)
        job.refresh_from_db()
        if job.errors:
            raise CommandError("Nothing was imported:\n" + "\n".join(job.errors))
        self.stdout.write(f"Imported {job.created} observations from {options['file'].name}.")
