"""Bringing a file of official statistics in: map its dimensions and codes, check every cell,
and replace the dataset's observations whole, or change nothing and list every problem.

The shared import job (``d4sme.reports``) stores the upload, runs :func:`statistics_check`
in a task and shows its progress page; the write step it returns runs in one transaction.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from d4sme.reports.imports import ImportKind, ImportRejected, Progress, Write

from .models import (
    WITHHELD,
    DimensionMapping,
    OfficialCode,
    OfficialDataset,
    OfficialObservation,
    OfficialSeries,
    StatisticsImport,
)
from .reading import ID_RE, ReadError, Table, read_file, where_text

if TYPE_CHECKING:
    from d4sme.reports.models import ImportJob

KIND = "exchange.statistics"
CONTENT = Path(__file__).resolve().parent / "content"
# Dimensions that name the country or aggregate, in the files offices publish.
AREA_DIMENSIONS = ("geo", "ref_area", "country", "location", "economy", "reporter", "area")
# Rows written per INSERT.
BATCH = 5000
# Problems listed for one unknown label, beyond which they are counted.
SAME_PROBLEM_SHOWN = 1


@cache
def known_codes() -> dict:
    """Return the codelists that ship with the platform (Eurostat's, for now)."""
    return json.loads((CONTENT / "eurostat-codes.json").read_text(encoding="utf-8"))


def mapping_problems(spec: object) -> list[str]:
    """Return what is wrong with a mapping's shape ([] when it is usable)."""
    if not isinstance(spec, dict):
        return [_("A mapping is a JSON object.")]
    problems = []
    unknown = set(spec) - {"dimensions", "codes", "area", "time"}
    if unknown:
        problems.append(
            _("A mapping has only “dimensions”, “codes”, “area” and “time”, not %(keys)s.")
            % {"keys": ", ".join(sorted(unknown))}
        )
    dimensions = spec.get("dimensions", {})
    if not isinstance(dimensions, dict) or not all(
        isinstance(v, str) and ID_RE.fullmatch(v) for v in dimensions.values()
    ):
        problems.append(_("“dimensions” maps a file's dimension to an id such as size_emp."))
    codes = spec.get("codes", {})
    if not isinstance(codes, dict) or not all(
        isinstance(m, dict) and all(isinstance(v, str) and ID_RE.fullmatch(v) for v in m.values())
        for m in codes.values()
    ):
        problems.append(
            _("“codes” maps, for each dimension, a label or code of the file to a code.")
        )
    if not isinstance(spec.get("area", ""), str):
        problems.append(_("“area” names the dimension of the areas."))
    if not isinstance(spec.get("time", ""), str):
        problems.append(_("“time” names the time column of a file without TIME_PERIOD."))
    return problems


@dataclass
class Mapped:
    """A file's cells in the platform's codes, ready to write."""

    dimensions: list[str]
    area: str
    series: dict[tuple[str, ...], int] = field(default_factory=dict)  # key -> index
    observations: list[tuple[int, str, float | None, str, str]] = field(default_factory=list)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _dimension_ids(table: Table, spec: dict, problems: list[str]) -> list[str]:
    by_label = {label: dim for dim, label in known_codes()["dimensions"].items()}
    chosen = spec.get("dimensions", {})
    ids = []
    for dim in table.dimensions:
        target = chosen.get(dim) or by_label.get(dim) or dim
        if not ID_RE.fullmatch(target):
            problems.append(
                _(
                    "The dimension “%(dimension)s” has no id; name it under “dimensions” in "
                    "the mapping."
                )
                % {"dimension": dim}
            )
        ids.append(target)
    if len(set(ids)) != len(ids):
        problems.append(
            _("Two of the file's dimensions map to the same id: %(ids)s.") % {"ids": ", ".join(ids)}
        )
    return ids


def map_table(table: Table, spec: dict | None = None) -> Mapped:
    """Return the table's cells in codes, with every problem of every cell listed."""
    spec = spec or {}
    problems = list(table.problems)
    dims = _dimension_ids(table, spec, problems)
    lowered = [d.lower() for d in dims]
    area = spec.get("area") or next(
        (dims[lowered.index(a)] for a in AREA_DIMENSIONS if a in lowered), ""
    )
    mapped = Mapped(dimensions=dims, area=area, problems=problems)
    if area and area not in dims:
        problems.append(
            _("The mapping's area dimension “%(area)s” is not in the file.") % {"area": area}
        )
        return mapped
    known = known_codes()
    translators = []
    for position, (file_dim, dim) in enumerate(zip(table.dimensions, dims, strict=True)):
        codes = known["codes"].get(dim, {})
        table_labels = table.labels.get(file_dim, {})
        recode = dict(spec.get("codes", {}).get(dim, {}))
        if file_dim in table.as_labels:
            by_label = {label: code for code, label in codes.items()}
            by_label.update(known.get("aliases", {}).get(dim, {}))
            by_label.update(recode)
            translators.append((position, dim, by_label, True))
        else:
            translators.append((position, dim, recode, False))
        for code, label in table_labels.items():
            mapped.labels.setdefault(dim, {})[recode.get(code, code)] = label

    unknown: dict[tuple[str, str], list] = {}
    cache_: dict[tuple[int, str], str | None] = {}
    seen: set[tuple[int, str]] = set()
    translated: dict[tuple[str, ...], tuple[str, ...]] = {}  # a file's key -> its codes
    for cell in table.cells:
        key_t = translated.get(cell.key)
        if key_t is not None:
            index = mapped.series[key_t]
            _observe(mapped, problems, seen, cell, index, key_t)
            continue
        key = []
        bad = False
        for position, dim, table_map, as_labels in translators:
            value = cell.key[position]
            code = cache_.get((position, value), "")
            if code == "":
                code = table_map.get(value)
                if code is None:
                    code = None if as_labels else value
                    if (
                        as_labels
                        and ID_RE.fullmatch(value)
                        and value in known["codes"].get(dim, {})
                    ):
                        code = value
                cache_[(position, value)] = code
                if code is not None and as_labels:
                    mapped.labels.setdefault(dim, {}).setdefault(code, value)
            if code is None:
                unknown.setdefault((dim, value), []).append(cell.where)
                bad = True
                continue
            key.append(code)
        if bad:
            continue
        key_t = translated[cell.key] = tuple(key)
        index = mapped.series.setdefault(key_t, len(mapped.series))
        _observe(mapped, problems, seen, cell, index, key_t)
    for (dim, value), places in unknown.items():
        more = len(places) - SAME_PROBLEM_SHOWN
        problems.append(
            _(
                "%(where)s: %(dimension)s “%(value)s” is a label with no code; add it under "
                "“codes” → “%(dimension)s” in the mapping."
            )
            % {"where": where_text(places[0]), "dimension": dim, "value": value}
            + (" " + _("(%(count)s more cells)") % {"count": more} if more > 0 else "")
        )
    for dim, codes in known["codes"].items():
        if dim in mapped.labels:
            for code, label in codes.items():
                mapped.labels[dim].setdefault(code, label)
    return mapped


def _observe(mapped: Mapped, problems: list[str], seen: set, cell, index: int, key_t) -> None:
    """Add one cell of series ``index`` to the mapped file, or its problem."""
    if (index, cell.period) in seen:
        problems.append(
            _("%(where)s: a second value for %(key)s in %(period)s.")
            % {"where": where_text(cell.where), "key": ".".join(key_t), "period": cell.period}
        )
        return
    seen.add((index, cell.period))
    if cell.value is not None and cell.conf_status in WITHHELD:
        problems.append(
            _("%(where)s: the value is marked confidential (%(status)s) but is given.")
            % {"where": where_text(cell.where), "status": cell.conf_status}
        )
        return
    mapped.observations.append((index, cell.period, cell.value, cell.obs_flag, cell.conf_status))


def _identity(request: StatisticsImport, table: Table) -> tuple[str, str]:
    """Return the publisher and dataset code: as the analyst gave them, else from the file."""
    agency, code = request.agency.strip(), request.code.strip()
    match = re.fullmatch(r"(?P<agency>[^:]+):(?P<code>[^($]+).*", table.structure_id or "")
    if match:
        agency = agency or match["agency"]
        code = code or match["code"].lower()
    return agency, code


def statistics_check(job: ImportJob, progress: Progress) -> Write:
    """Read and check a file of official statistics; return the step that writes it."""
    request = StatisticsImport.objects.select_related("mapping").get(pk=job.target_id)
    content = bytes(job.content)
    spec = request.mapping.spec if request.mapping else {}
    try:
        table = read_file(
            job.file_name,
            content,
            structure=bytes(request.structure) if request.structure else None,
            sheet=request.sheet,
            time=spec.get("time", ""),
        )
    except ReadError as exc:
        raise ImportRejected(exc.messages) from exc
    progress.total(len(table.cells) + len(table.problems))
    mapped = map_table(table, spec)
    progress.done(len(table.cells))
    agency, code = _identity(request, table)
    if not (agency and code):
        mapped.problems.insert(
            0, _("Name the publisher and the dataset: the file does not say which it is.")
        )
    if not mapped.observations and not mapped.problems:
        mapped.problems.append(_("The file holds no observation."))
    if mapped.problems:
        raise ImportRejected(mapped.problems)

    def write() -> int:
        return statistics_write(
            request=request,
            agency=agency,
            code=code,
            table=table,
            mapped=mapped,
            file_name=job.file_name,
            file_hash=hashlib.sha256(content).hexdigest(),
            user=job.created_by,
        )

    return write


@transaction.atomic
def statistics_write(
    *,
    request: StatisticsImport,
    agency: str,
    code: str,
    table: Table,
    mapped: Mapped,
    file_name: str,
    file_hash: str,
    user,
) -> int:
    """Replace the dataset's codes, series and observations with the mapped file's; return
    how many observations it now holds."""
    dataset, _created = OfficialDataset.objects.get_or_create(agency=agency, code=code)
    dataset.name = request.name or table.name or dataset.name or code
    dataset.source = request.source or dataset.source
    dataset.url = request.url or dataset.url
    dataset.licence = request.licence or dataset.licence
    dataset.retrieved_on = request.retrieved_on or timezone.localdate()
    dataset.published_update = table.published_update
    dataset.file_name, dataset.file_hash = file_name, file_hash
    dataset.file_format = table.format
    dataset.dimensions = mapped.dimensions
    dataset.area_dimension = mapped.area
    dataset.imported_by, dataset.imported_at = user, timezone.now()
    dataset.full_clean()
    dataset.save()
    _dataset_clear(dataset)

    dims = mapped.dimensions
    area_at = dims.index(mapped.area) if mapped.area else None
    used: dict[str, set[str]] = {d: set() for d in dims}
    series_rows = []
    for key in mapped.series:
        for dim, value in zip(dims, key, strict=True):
            used[dim].add(value)
        series_rows.append(
            OfficialSeries(
                dataset=dataset,
                key=dict(zip(dims, key, strict=True)),
                key_text=".".join(key),
                area=key[area_at] if area_at is not None else "",
            )
        )
    if connection.vendor == "postgresql":
        ids = _series_copy(dataset, series_rows)
    else:
        ids = [s.pk for s in OfficialSeries.objects.bulk_create(series_rows, batch_size=BATCH)]
    observations_insert(
        (ids[index], period, value, flag, conf)
        for index, period, value, flag, conf in mapped.observations
    )
    OfficialCode.objects.bulk_create(
        OfficialCode(
            dataset=dataset,
            dimension=dim,
            code=code_,
            label=mapped.labels.get(dim, {}).get(code_, "")[:400],
        )
        for dim in dims
        for code_ in sorted(used[dim])
    )
    request.dataset = dataset
    request.save(update_fields=["dataset", "updated_at"])
    return len(mapped.observations)


def _dataset_clear(dataset: OfficialDataset) -> None:
    """Delete the dataset's observations, series and codes in three statements (the ORM
    would delete a national file's observations series by series)."""
    quote = connection.ops.quote_name
    observations, series = OfficialObservation._meta.db_table, OfficialSeries._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {quote(observations)} WHERE series_id IN "
            f"(SELECT id FROM {quote(series)} WHERE dataset_id = %s)",
            [dataset.pk],
        )
        cursor.execute(f"DELETE FROM {quote(series)} WHERE dataset_id = %s", [dataset.pk])
    OfficialCode.objects.filter(dataset=dataset).delete()


def _series_copy(dataset: OfficialDataset, series_rows: list[OfficialSeries]) -> list[int]:
    """Write the series with COPY (on PostgreSQL) and return their ids in the same order."""
    quote = connection.ops.quote_name
    meta = OfficialSeries._meta
    columns = ", ".join(
        quote(meta.get_field(name).column) for name in ("dataset", "key", "key_text", "area")
    )
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy,
    ):
        for s in series_rows:
            copy.write_row((dataset.pk, json.dumps(s.key), s.key_text, s.area))
    by_text = dict(OfficialSeries.objects.filter(dataset=dataset).values_list("key_text", "pk"))
    return [by_text[s.key_text] for s in series_rows]


def observations_insert(rows) -> None:
    """Insert (series id, period, value, OBS_FLAG, CONF_STATUS) rows with COPY on PostgreSQL
    and batches of parameterised INSERTs elsewhere: a national file holds hundreds of
    thousands of cells, and building a model instance for each takes most of the time of
    ``bulk_create``."""
    quote = connection.ops.quote_name
    meta = OfficialObservation._meta
    columns = ", ".join(
        quote(meta.get_field(name).column)
        for name in ("series", "period", "value", "obs_flag", "conf_status")
    )
    if connection.vendor == "postgresql":
        # COPY streams every row in one statement, where INSERTs cost a round trip each.
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES (%s, %s, %s, %s, %s)"
    batch: list[tuple] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def statistics_done(job: ImportJob) -> str:
    """Return what a finished import did, for its page."""
    return _("Every observation of the file was imported; the dataset's earlier ones are replaced.")


def statistics_back(job: ImportJob) -> tuple[str, str]:
    """Return where the import's page leads next: the dataset, once there is one."""
    request = StatisticsImport.objects.filter(pk=job.target_id).first()
    if request and request.dataset_id:
        return reverse("exchange:dataset", args=[request.dataset_id]), _("See the dataset")
    return reverse("exchange:statistics"), _("Back to official statistics")


STATISTICS = ImportKind(check=statistics_check, done=statistics_done, back=statistics_back)


def mapping_spec_of(mapping: DimensionMapping | None) -> dict:
    """Return a saved mapping's specification ({} for none)."""
    return mapping.spec if mapping else {}
