"""Writes of the exchange app: imports of official statistics, mappings, and links of
official series to a framework's indicators. Each checks the user's permission first."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from d4sme.reports.services import import_job_create

from .importing import KIND, mapping_problems
from .models import DimensionMapping, IndicatorLink, OfficialDataset, StatisticsImport
from .reading import ID_RE

if TYPE_CHECKING:
    from d4sme.reports.models import ImportJob

# The largest file an import takes (the Eurostat bulk TSVs are a few megabytes gzipped).
MAX_FILE_BYTES = 64 * 1024 * 1024


def _may_import(user) -> None:
    if not user.has_perm("exchange.import_statistics"):
        raise PermissionDenied(_("Analysts import official statistics."))


@transaction.atomic
def statistics_import_create(
    *,
    user,
    file_name: str,
    content: bytes,
    agency: str = "",
    code: str = "",
    name: str = "",
    source: str = "",
    url: str = "",
    licence: str = "",
    retrieved_on: date | None = None,
    sheet: str = "",
    structure: bytes | None = None,
    mapping: DimensionMapping | None = None,
) -> ImportJob:
    """Queue a file of official statistics for import and return its job; the task runs once
    this commits, and the file lands whole or not at all."""
    _may_import(user)
    if not content:
        raise ValidationError(_("The file is empty."))
    if len(content) > MAX_FILE_BYTES:
        raise ValidationError(
            _("The file is larger than %(size)s MB.") % {"size": MAX_FILE_BYTES // 2**20}
        )
    for label, value in ((_("publisher"), agency), (_("dataset"), code)):
        if value and not ID_RE.fullmatch(value):
            raise ValidationError(
                _("The %(field)s “%(value)s” is not a code (letters, digits, _ and -).")
                % {"field": label, "value": value}
            )
    request = StatisticsImport(
        agency=agency.strip(),
        code=code.strip(),
        name=name,
        source=source,
        url=url,
        licence=licence,
        retrieved_on=retrieved_on,
        sheet=sheet,
        structure=structure or None,
        mapping=mapping,
        created_by=user,
    )
    request.full_clean()
    request.save()
    return import_job_create(
        user=user, kind=KIND, target_id=request.pk, file_name=file_name, content=content
    )


@transaction.atomic
def mapping_save(*, user, name: str, spec: dict, description: str = "") -> DimensionMapping:
    """Create the mapping ``name``, or replace its specification; return it."""
    if not user.has_perm("exchange.change_mapping"):
        raise PermissionDenied(_("Analysts keep the dimension mappings."))
    problems = mapping_problems(spec)
    if problems:
        raise ValidationError(problems)
    mapping = DimensionMapping.objects.filter(name=name).first() or DimensionMapping(
        name=name, created_by=user
    )
    mapping.spec, mapping.description = spec, description
    mapping.full_clean()
    mapping.save()
    return mapping


@transaction.atomic
def indicator_link_create(
    *, user, indicator_id: int, dataset: OfficialDataset, select: dict[str, str], note: str = ""
) -> IndicatorLink:
    """Show the dataset's series that have the ``select`` codes beside a framework indicator."""
    if not user.has_perm("exchange.link_indicator"):
        raise PermissionDenied(_("Analysts put official statistics beside indicators."))
    unknown = sorted(set(select) - set(dataset.dimensions))
    if unknown:
        raise ValidationError(
            _("The dataset has no dimension %(names)s; its dimensions are %(dims)s.")
            % {"names": ", ".join(unknown), "dims": ", ".join(dataset.dimensions)}
        )
    link = IndicatorLink(
        indicator_id=indicator_id, dataset=dataset, select=select, note=note, created_by=user
    )
    link.full_clean()
    link.save()
    return link


@transaction.atomic
def indicator_link_delete(*, user, link: IndicatorLink) -> None:
    """Stop showing a dataset's series beside an indicator."""
    if not user.has_perm("exchange.link_indicator"):
        raise PermissionDenied(_("Analysts put official statistics beside indicators."))
    link.delete()
