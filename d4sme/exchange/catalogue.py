"""The open-data catalogue: every dataset the platform publishes, each downloadable as CSV,
XLSX, JSON and SDMX-CSV 2.0 with its codebook, licence and last update, and the catalogue
described in DCAT-AP (JSON-LD).

Three kinds of dataset: official statistics as imported (with their flags; a confidential
cell stays empty), the approved values of each public framework (about economies, not
firms), and the platform's count of registered SMEs by economy and size class, which is an
aggregate over organisations and goes through disclosure control (``reports.disclosure``):
a count resting on fewer than five firms, and any count that would give one back, is withheld.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext as _

from d4sme.monitoring.selectors import framework_open_values, frameworks_visible
from d4sme.registry.models import OrganisationKind, SizeClass
from d4sme.registry.selectors import organisation_counts
from d4sme.reports.disclosure import protect
from d4sme.reports.tables import csv_text, xlsx_bytes

from . import selectors

FORMATS = {
    "csv": ("text/csv", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "json": ("application/json", "json"),
    "sdmx-csv": ("application/vnd.sdmx.data+csv;version=2.0.0", "csv"),
}
PLATFORM_LICENCE = "CC BY 4.0"
PLATFORM_LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
AGENCY = "D4SME"


@dataclass
class Entry:
    slug: str
    title: str
    description: str
    publisher: str
    licence: str
    modified: date | datetime | None
    # (column, meaning) in order; the rows' keys
    codebook: list[tuple[str, str]]
    rows: Callable[[], list[dict[str, Any]]]
    # SDMX roles of the columns: dimensions in key order, the time, the value, attributes
    dimensions: list[str] = field(default_factory=list)
    time: str = "period"
    value: str = "value"
    attributes: dict[str, str] = field(default_factory=dict)  # column -> SDMX attribute id
    structure_id: str = ""

    @property
    def columns(self) -> list[str]:
        return [column for column, _meaning in self.codebook]


def _official(dataset) -> Entry:
    labels = selectors.dataset_labels(dataset)

    def rows() -> list[dict[str, Any]]:
        return [
            {
                **{d: obs.series.key.get(d, "") for d in dataset.dimensions},
                "period": obs.period,
                "value": obs.value,
                "obs_flag": obs.obs_flag,
                "conf_status": obs.conf_status,
            }
            for obs in selectors.observation_list(dataset=dataset)
        ]

    codebook = [
        (
            d,
            _("Code of the dimension %(dim)s (%(count)s codes; labels on the dataset's page).")
            % {"dim": d, "count": len(labels.get(d, {}))},
        )
        for d in dataset.dimensions
    ]
    codebook += [
        ("period", _("Time period, as the publisher writes it.")),
        ("value", _("The value; empty when missing or confidential, never 0 for a missing one.")),
        ("obs_flag", _("The publisher's observation flags (b break in series, u low reliability, d definition differs, e estimated, p provisional, …).")),
        ("conf_status", _("Confidentiality status: C when the publisher withholds the value.")),
    ]  # fmt: skip
    return Entry(
        slug=f"official-{dataset.pk}",
        title=dataset.name or dataset.code,
        description=_("Official statistics from %(agency)s, dataset %(code)s, as imported.")
        % {"agency": dataset.agency, "code": dataset.code}
        + (f" {dataset.source}" if dataset.source else ""),
        publisher=dataset.agency,
        licence=dataset.licence
        or _("The publisher's reuse policy; cite “Source: %(agency)s”.")
        % {"agency": dataset.agency},
        modified=dataset.imported_at,
        codebook=codebook,
        rows=rows,
        dimensions=list(dataset.dimensions),
        attributes={"obs_flag": "OBS_FLAG", "conf_status": "CONF_STATUS"},
        structure_id=f"{dataset.agency}:{dataset.code.upper()}(1.0)",
    )


def _framework(framework) -> Entry:
    codebook = [
        ("economy", _("ISO 3166-1 alpha-2 code of the reporting economy.")),
        ("indicator", _("The indicator's code in the framework.")),
        ("disaggregation", _("_T for the total, else DIMENSION_CATEGORY.")),
        ("period", _("The year reported.")),
        ("value", _("The approved value; empty when not available.")),
        ("flag", _("E estimated, P provisional, M not available, Z not applicable, L not collected.")),
        ("unit", _("The unit's code.")),
        ("comment", _("The economy's comment.")),
    ]  # fmt: skip
    return Entry(
        slug=f"framework-{framework.code}",
        title=_("Reported values: %(name)s") % {"name": framework.name},
        description=_(
            "Values the economies reported and analysts approved; about economies, not firms."
        ),
        publisher=framework.economies.name,
        licence=PLATFORM_LICENCE,
        modified=framework.updated_at,
        codebook=codebook,
        rows=lambda: framework_open_values(framework=framework),
        dimensions=["economy", "indicator", "disaggregation"],
        attributes={"flag": "OBS_STATUS", "unit": "UNIT_MEASURE", "comment": "COMMENT"},
        structure_id=f"{AGENCY}:{framework.code.upper().replace('-', '_')}(1.0)",
    )


def registered_smes_rows() -> list[dict[str, Any]]:
    """SMEs registered by economy and size class, with small cells withheld."""
    counts = organisation_counts(kind=OrganisationKind.SME)
    economies = sorted({economy for economy, _size in counts})
    sizes = [s for s in SizeClass.values if s != SizeClass.LARGE]
    table = protect([[counts.get((e, s), 0) for s in sizes] for e in economies])
    rows = []
    for economy, cells, total in zip(economies, table.cells, table.row_totals, strict=True):
        for size, figure in zip([*sizes, "_T"], [*cells, total], strict=True):
            rows.append(
                {
                    "economy": economy,
                    "size_class": size,
                    "period": str(timezone.localdate().year),
                    "value": figure.value,
                    "conf_status": "C" if figure.suppressed else "F",
                }
            )
    return rows


def _registered_smes() -> Entry:
    return Entry(
        slug="registered-smes",
        title=_("SMEs registered on the platform, by economy and size class"),
        description=_(
            "A count of organisations: a count resting on fewer than five firms, and any "
            "count that would give one back, is withheld (confidentiality status C)."
        ),
        publisher=AGENCY,
        licence=PLATFORM_LICENCE,
        modified=timezone.now(),
        codebook=[
            ("economy", _("ISO 3166-1 alpha-2 code.")),
            ("size_class", _("micro, small or medium; _T for all of them.")),
            ("period", _("The year of the count.")),
            ("value", _("Number of SMEs; empty when withheld.")),
            ("conf_status", _("F free, C withheld by disclosure control.")),
        ],
        rows=registered_smes_rows,
        dimensions=["economy", "size_class"],
        attributes={"conf_status": "CONF_STATUS"},
        structure_id=f"{AGENCY}:REGISTERED_SMES(1.0)",
    )


def catalogue_entries() -> list[Entry]:
    """Return every dataset the platform publishes."""
    entries = [_official(d) for d in selectors.dataset_list()]
    entries += [_framework(f) for f in frameworks_visible(AnonymousUser())]
    entries.append(_registered_smes())
    return entries


def catalogue_entry(slug: str) -> Entry | None:
    """Return the published dataset ``slug``, if any."""
    return next((e for e in catalogue_entries() if e.slug == slug), None)


# Writing


def _cell(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return value
    return "" if value is None else value


def as_csv(entry: Entry) -> bytes:
    rows = entry.rows()
    return csv_text(
        [entry.columns, *([_cell(r.get(c)) for c in entry.columns] for r in rows)]
    ).encode()


def as_xlsx(entry: Entry) -> bytes:
    rows = entry.rows()
    return xlsx_bytes(
        {
            "data": (entry.columns, ([r.get(c) for c in entry.columns] for r in rows)),
            "codebook": (["column", "meaning"], entry.codebook),
            "about": (
                ["field", "value"],
                [
                    ["title", entry.title],
                    ["publisher", entry.publisher],
                    ["licence", entry.licence],
                    ["last update", str(entry.modified or "")],
                ],
            ),
        }
    )


def as_json(entry: Entry) -> bytes:
    return json.dumps(
        {
            **describe(entry),
            "data": [{c: r.get(c) for c in entry.columns} for r in entry.rows()],
        },
        ensure_ascii=False,
        default=str,
    ).encode()


def as_sdmx_csv(entry: Entry) -> bytes:
    """Write the dataset as SDMX-CSV 2.0: STRUCTURE, STRUCTURE_ID, ACTION, the dimensions,
    TIME_PERIOD, OBS_VALUE and the attributes."""
    header = [
        "STRUCTURE",
        "STRUCTURE_ID",
        "ACTION",
        *entry.dimensions,
        "TIME_PERIOD",
        "OBS_VALUE",
        *entry.attributes.values(),
    ]
    lines = [header]
    for row in entry.rows():
        lines.append(
            [
                "dataflow",
                entry.structure_id,
                "I",
                *(row.get(d, "") for d in entry.dimensions),
                row.get(entry.time, ""),
                _cell(row.get(entry.value)),
                *(row.get(column, "") for column in entry.attributes),
            ]
        )
    return csv_text(lines).encode()


WRITERS = {"csv": as_csv, "xlsx": as_xlsx, "json": as_json, "sdmx-csv": as_sdmx_csv}


def describe(entry: Entry, urls: dict[str, str] | None = None) -> dict[str, Any]:
    """Return what the catalogue says of a dataset: title, licence, update, codebook, links."""
    return {
        "id": entry.slug,
        "title": str(entry.title),
        "description": str(entry.description),
        "publisher": entry.publisher,
        "licence": str(entry.licence),
        "modified": entry.modified.isoformat() if entry.modified else None,
        "codebook": [{"column": c, "meaning": str(m)} for c, m in entry.codebook],
        "downloads": urls or {},
    }


def dcat(entries: list[Entry], *, base: str, download_url: Callable[[Entry, str], str]) -> dict:
    """Return the catalogue in DCAT-AP 2 as JSON-LD."""
    datasets = []
    for entry in entries:
        distributions = []
        for fmt, (media_type, _extension) in FORMATS.items():
            url = download_url(entry, fmt)
            distributions.append(
                {
                    "@type": "dcat:Distribution",
                    "dcat:accessURL": {"@id": url},
                    "dcat:downloadURL": {"@id": url},
                    "dcat:mediaType": media_type,
                    "dct:format": fmt.upper(),
                    "dct:license": {"@id": PLATFORM_LICENCE_URL}
                    if entry.licence == PLATFORM_LICENCE
                    else {"rdfs:label": str(entry.licence)},
                }
            )
        datasets.append(
            {
                "@type": "dcat:Dataset",
                "@id": f"{base}#{entry.slug}",
                "dct:identifier": entry.slug,
                "dct:title": str(entry.title),
                "dct:description": str(entry.description),
                "dct:publisher": {"@type": "foaf:Agent", "foaf:name": entry.publisher},
                "dct:modified": entry.modified.isoformat() if entry.modified else None,
                "dcat:distribution": distributions,
            }
        )
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        },
        "@type": "dcat:Catalog",
        "@id": base,
        "dct:title": str(_("d4sme open data")),
        "dct:publisher": {"@type": "foaf:Agent", "foaf:name": AGENCY},
        "dct:license": {"@id": PLATFORM_LICENCE_URL},
        "dcat:dataset": datasets,
    }
