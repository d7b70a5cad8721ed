"""Reading assessments: a firm's report, and the aggregates managers and analysts see."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from statistics import median
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from d4sme.programmes.selectors import (
    applicant_ids,
    participation_list,
    programme_list,
    programmes_managed_by,
)
from d4sme.registry.models import SizeClass
from d4sme.registry.selectors import (
    membership_organisation_ids,
    organisation_list,
    organisations_of_user,
    vocabulary_terms,
)
from d4sme.reports.disclosure import Figure, figure, protect

from . import charts
from .benchmarks import SCOPE_LABELS, enough_peers
from .diagnosis import Finding, diagnose
from .instruments import Band, Definition
from .models import BenchmarkPosition, Instrument, Response, ResponseStatus, Stage

if TYPE_CHECKING:
    from d4sme.programmes.models import Participation, Programme
    from d4sme.registry.models import Organisation


def responses_visible_to(user) -> QuerySet[Response]:
    """Responses of the user's organisations and those the user entered as an advisor."""
    if not user.is_authenticated:
        return Response.objects.none()
    mine = membership_organisation_ids(user=user)
    return (
        Response.objects.filter(Q(organisation_id__in=mine) | Q(entered_by=user))
        .select_related("version__instrument", "organisation")
        .order_by("-updated_at")
    )


def organisations_to_assess(user) -> list[Organisation]:
    """Firms the user may assess: their own, and applicants to programmes they manage."""
    if not user.is_authenticated:
        return []
    own = organisations_of_user(user=user)
    advised = organisation_list(pks=applicant_ids(programmes=programmes_managed_by(user=user)))
    found = {o.pk: o for o in [*own, *advised]}
    return sorted(found.values(), key=lambda o: o.legal_name.casefold())


def participations_of(organisations: list[Organisation]) -> QuerySet[Participation]:
    return participation_list(organisations=organisations)


@dataclass
class DimensionRow:
    code: str
    label: str
    score: float
    band: Band | None
    peer_median: float | None = None
    percentile: float | None = None


@dataclass
class Report:
    response: Response
    definition: Definition
    band: Band | None
    level_index: int | None
    rows: list[DimensionRow]
    position: BenchmarkPosition | None
    scope_label: str
    findings: list[Finding]
    history: list[Response]
    next_band: Band | None
    points_to_next_band: float | None
    charts: dict[str, dict] = field(default_factory=dict)

    @property
    def level(self):
        if self.level_index is None:
            return None
        return self.definition.levels[self.level_index]


def report(response: Response) -> Report:
    """Everything the report page and its PDF show about one submitted response."""
    definition = response.version.parsed
    position = BenchmarkPosition.objects.filter(response=response).select_related("group").first()
    if position and not enough_peers(position.group):
        position = None  # computed before its group lost firms, or under a lower minimum
    rows = []
    for dimension in definition.dimensions:
        score = response.scores["dimensions"][dimension.code]
        rows.append(
            DimensionRow(
                dimension.code,
                dimension.label,
                score,
                definition.band_for(score),
                position.group.medians.get(dimension.code) if position else None,
                position.percentiles.get(dimension.code) if position else None,
            )
        )
    band = definition.band_for(response.overall)
    bands = list(definition.bands)
    index = bands.index(band) if band in bands else len(bands) - 1
    next_band = bands[index + 1] if index + 1 < len(bands) else None
    history = list(
        Response.objects.filter(
            organisation=response.organisation,
            version__instrument=response.version.instrument,
            status=ResponseStatus.SUBMITTED,
        ).order_by("submitted_at", "id")
    )
    level_codes = [lv.code for lv in definition.levels]
    dims = [(d.code, d.label) for d in definition.dimensions]
    series = [(_("Your scores"), response.scores["dimensions"])]
    if position:
        series.append((_("Peer median"), position.group.medians))
    found = Report(
        response=response,
        definition=definition,
        band=band,
        level_index=level_codes.index(response.level) if response.level in level_codes else None,
        rows=rows,
        position=position,
        scope_label=str(SCOPE_LABELS.get(position.group.scope, "")) if position else "",
        findings=diagnose(definition, response.answers, response.scores, response.organisation),
        history=history,
        next_band=next_band,
        points_to_next_band=round(band.upto + 0.01 - response.overall, 2) if next_band else None,
    )
    found.charts["radar"] = charts.radar(dims, series, _("Dimension scores (0-100)"))
    if len(history) > 1:
        found.charts["progress"] = charts.progress(
            dims,
            [
                (f"{r.get_stage_display()} · {r.submitted_at:%Y-%m-%d}", r.scores["dimensions"])
                for r in history
                if r.version.instrument_id == response.version.instrument_id
            ],
            _("Progress between assessments"),
        )
    return found


# -- aggregates -----------------------------------------------------------------------------

# Labels are lazy: this table is built once, at import, before any visitor's language is known.
BREAKDOWNS = {
    "economy": ("organisation__economy_id", gettext_lazy("Economy")),
    "sector": ("organisation__isic_section", gettext_lazy("Sector (ISIC section)")),
    "size_class": ("organisation__size_class", gettext_lazy("Size class")),
}


@dataclass
class Cell:
    """One group of the distribution as it may be shown: each figure withheld or not."""

    label: str
    size: Figure
    median: Figure
    bands: list[Figure] = field(default_factory=list)

    @property
    def shown_bands(self) -> list[tuple[int, int]]:
        """(band position, firms) of the band counts that are shown."""
        return [(i, f.value) for i, f in enumerate(self.bands) if not f.suppressed]


@dataclass
class Distribution:
    groups: list[Cell]
    total: Cell


def latest_scores(instrument: Instrument) -> QuerySet[Response]:
    """The latest submitted response of each organisation to an instrument."""
    from .benchmarks import latest_per_organisation_ids

    return Response.objects.filter(pk__in=latest_per_organisation_ids(instrument))


def distribution(instrument: Instrument, by: str) -> Distribution:
    """Firms by group and band, with group medians, from the latest response per firm.

    Counts go through disclosure control as one table with its totals (all firms by band),
    so no small cell is shown or can be worked out; a median shows from 5 firms.
    """
    field_name, _label = BREAKDOWNS[by]
    definition = instrument.current_version().parsed
    band_codes = [b.code for b in definition.bands]
    groups: dict[str, list[tuple[float, str]]] = {}
    for key, overall, band in latest_scores(instrument).values_list(field_name, "overall", "band"):
        groups.setdefault(key or "", []).append((overall, band))
    labels = dict(SizeClass.choices) if by == "size_class" else {}
    keys = sorted(groups)
    counts = [[sum(1 for _o, b in groups[k] if b == code) for code in band_codes] for k in keys]
    table = protect(counts)

    def middle(values: list[tuple[float, str]]) -> Figure:
        found = round(median(o for o, _b in values), 1) if values else None
        return figure(found, contributors=len(values))

    cells = [
        Cell(
            str(labels.get(key, key)) or _("Unknown"),
            table.row_totals[i],
            middle(groups[key]),
            list(table.cells[i]),
        )
        for i, key in enumerate(keys)
    ]
    everyone = [v for k in keys for v in groups[k]]
    total = Cell(_("All firms"), table.total, middle(everyone), list(table.column_totals))
    return Distribution(cells, total)


@dataclass
class Change:
    label: str
    before: float | None
    after: float | None

    @property
    def difference(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return round(self.after - self.before, 1)


@dataclass
class CohortChange:
    programme: Programme
    instrument: Instrument
    pairs: Figure  # participants measured before and after, withheld under 5
    changes: list[Change]

    @property
    def suppressed(self) -> bool:
        return self.pairs.suppressed


def cohort_change(programme: Programme, instrument: Instrument) -> CohortChange:
    """Mean scores before and after support of the programme's participants measured twice.

    A participant counts when it has a submitted "before" and a submitted "after" response
    linked to its participation; with fewer than 5 such participants nothing is shown, not
    even how many there are, and a dimension's mean shows only from 5 participants.
    """
    responses = Response.objects.filter(
        participation__cohort__programme=programme,
        version__instrument=instrument,
        status=ResponseStatus.SUBMITTED,
        stage__in=[Stage.BEFORE, Stage.AFTER],
    ).order_by("submitted_at", "id")
    by_participation: dict[int, dict[str, Response]] = {}
    for r in responses:
        by_participation.setdefault(r.participation_id, {})[r.stage] = r
    pairs = [p for p in by_participation.values() if Stage.BEFORE in p and Stage.AFTER in p]
    definition = instrument.current_version().parsed
    counted = figure(len(pairs), contributors=len(pairs))
    changes = []
    if pairs and not counted.suppressed:

        def mean(stage, code):
            if code is None:
                values = [p[stage].overall for p in pairs]
            else:
                values = [p[stage].scores["dimensions"].get(code) for p in pairs]
                values = [v for v in values if v is not None]
            found = round(sum(values) / len(values), 1) if values else None
            return figure(found, contributors=len(values)).value

        changes.append(Change(_("Overall"), mean(Stage.BEFORE, None), mean(Stage.AFTER, None)))
        for d in definition.dimensions:
            changes.append(Change(d.label, mean(Stage.BEFORE, d.code), mean(Stage.AFTER, d.code)))
    return CohortChange(programme, instrument, counted, changes)


def assessed_counts(
    *,
    economies: Collection[str],
    years: Collection[int],
    instrument: str | None = None,
    bands: Collection[str] = (),
) -> dict[tuple[str, int], tuple[int, int]]:
    """Return {(economy, year): (firms with a submitted assessment that year, those of them in
    one of ``bands``)}, of one instrument when given."""
    responses = Response.objects.filter(
        status=ResponseStatus.SUBMITTED,
        organisation__economy_id__in=economies,
        submitted_at__year__in=years,
    )
    if instrument:
        responses = responses.filter(version__instrument_id=instrument)
    counts = {"n": Count("organisation", distinct=True)}
    if bands:
        counts["in_bands"] = Count("organisation", distinct=True, filter=Q(band__in=bands))
    rows = (
        responses.annotate(year=ExtractYear("submitted_at"))
        .order_by()
        .values("organisation__economy_id", "year")
        .annotate(**counts)
    )
    return {
        (r["organisation__economy_id"], r["year"]): (r["n"], r.get("in_bands", 0)) for r in rows
    }


def programmes_for_dashboard(user) -> QuerySet[Programme]:
    """Analysts and administrators see every programme; managers see the ones they run."""
    from d4sme.programmes.rules import is_analyst
    from d4sme.registry.rules import is_administrator

    measured = Response.objects.filter(participation__isnull=False).values(
        "participation__cohort__programme_id"
    )
    if is_analyst.test(user) or is_administrator.test(user):
        return programme_list(pks=measured)
    return programme_list(pks=measured, managed_by=user)


def organisation_barriers_latest(organisation: Organisation) -> set[str]:
    """Return the barrier codes diagnosed by ``organisation``'s latest submitted assessment."""
    latest = (
        Response.objects.filter(organisation=organisation, status=ResponseStatus.SUBMITTED)
        .select_related("version")
        .order_by("-submitted_at")
        .first()
    )
    if latest is None:
        return set()
    findings = diagnose(latest.version.parsed, latest.answers, latest.scores)
    return {finding.rule.barrier for finding in findings}


def organisation_facts(organisation: Organisation) -> list[tuple[str, str]]:
    """The firm's latest submitted assessment in words: score, band and date, and the barriers
    it diagnosed (for those who decide on the firm's applications)."""
    latest = (
        Response.objects.filter(organisation=organisation, status=ResponseStatus.SUBMITTED)
        .select_related("version__instrument")
        .order_by("-submitted_at")
        .first()
    )
    if latest is None:
        return [(_("Digital maturity"), _("not assessed yet"))]
    definition = latest.version.parsed
    band = next((b.label for b in definition.bands if b.code == latest.band), latest.band)
    facts = [
        (
            _("Digital maturity"),
            _("%(score)s of 100, band %(band)s, assessed on %(date)s (%(instrument)s)")
            % {
                "score": f"{latest.overall:.0f}",
                "band": band,
                "date": date_format(latest.submitted_at.date()),
                "instrument": latest.version.instrument,
            },
        )
    ]
    barriers = sorted(organisation_barriers_latest(organisation))
    if barriers:
        labels = {t.code: t.label for t in vocabulary_terms(vocabulary="barriers")}
        facts.append(
            (_("Barriers diagnosed"), ", ".join(str(labels.get(code, code)) for code in barriers))
        )
    return facts


@dataclass(frozen=True)
class OrganisationNeeds:
    """What a firm's latest submitted assessment says it needs: dimension scores and barriers."""

    instrument: str
    submitted_at: object
    scores: dict[str, float]  # dimension code -> score (0-100)
    labels: dict[str, str]  # dimension code -> its name in the active language
    barriers: frozenset[str]  # barrier term codes the rules found
    supports: frozenset[str]  # support term codes those rules point to


def organisation_needs(*, organisation_ids: Collection[int]) -> dict[int, OrganisationNeeds]:
    """Return {organisation id: needs} from each firm's latest submitted assessment."""
    from .diagnosis import holds

    latest: dict[int, Response] = {}
    responses = (
        Response.objects.filter(
            organisation_id__in=list(organisation_ids), status=ResponseStatus.SUBMITTED
        )
        .select_related("version")
        .order_by("organisation_id", "-submitted_at", "-id")
    )
    for response in responses:
        latest.setdefault(response.organisation_id, response)
    found = {}
    for organisation_id, response in latest.items():
        definition = response.version.parsed
        fired = [
            rule for rule in definition.rules if holds(rule.when, response.answers, response.scores)
        ]
        found[organisation_id] = OrganisationNeeds(
            instrument=response.version.instrument_id,
            submitted_at=response.submitted_at,
            scores=dict(response.scores.get("dimensions", {})),
            labels={d.code: d.label for d in definition.dimensions},
            barriers=frozenset(rule.barrier for rule in fired),
            supports=frozenset(code for rule in fired for code in rule.support),
        )
    return found


def overall_scores_by_year(
    *, organisation_ids: Collection[int], instrument: str
) -> dict[tuple[int, int], float]:
    """Return {(organisation id, year): overall score} of the firms' submitted responses to the
    instrument, the latest response of each year standing for that year."""
    ids = list(organisation_ids)
    found: dict[tuple[int, int], float] = {}
    for start in range(0, len(ids), 900):
        rows = (
            Response.objects.filter(
                organisation_id__in=ids[start : start + 900],
                version__instrument_id=instrument,
                status=ResponseStatus.SUBMITTED,
                overall__isnull=False,
            )
            .order_by("submitted_at", "id")
            .values_list("organisation_id", "submitted_at", "overall")
        )
        for organisation_id, submitted_at, overall in rows:
            found[(organisation_id, submitted_at.year)] = overall
    return found
