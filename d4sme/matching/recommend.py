"""Programmes recommended to a firm: eligibility rule by rule at the application date, and the fit.

A firm sees every running programme open to its economy classed as eligible, eligible subject
to what the agency checks, or not eligible, each rule with its result and reason. Eligible
programmes are ranked by the fit of ``fit.py``, each part with a sentence saying its numbers.
Ended programmes, historical records and programmes whose source states no eligibility are
never recommended.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from d4sme.assessments.selectors import OrganisationNeeds, organisation_needs
from d4sme.programmes import eligibility
from d4sme.programmes.selectors import (
    applicant_profile_counts,
    applied_call_ids,
    calls_current,
    programme_term_map,
    recommendable_programmes,
)
from d4sme.registry.selectors import organisation_profiles, term_list
from d4sme.reports import embeddings

from . import fit
from .models import ProgrammeVector

if TYPE_CHECKING:
    from d4sme.programmes.models import Call, Programme
    from d4sme.registry.models import Organisation

PART_LABELS = {
    "maturity": gettext_lazy("Your weakest maturity dimensions"),
    "barriers": gettext_lazy("Your barriers"),
    "sector_size": gettext_lazy("Sector and size"),
    "open_call": gettext_lazy("Open call"),
    "uptake": gettext_lazy("Uptake by similar firms"),
    "text": gettext_lazy("Similar wording"),
}
# Rules the agency checks when the firm applies or while it takes part, not facts of the firm.
AGENCY_CRITERIA = {"hire_age", "not_stated"}
ELIGIBLE = {eligibility.MET, eligibility.TO_CONFIRM}


@dataclass(frozen=True)
class Part:
    code: str
    label: str
    weight: float
    value: float  # between 0 and 1
    text: str

    @property
    def points(self) -> float:
        """Return the points this part adds to the score (0-100)."""
        return round(100 * self.weight * self.value / fit.fit_settings().weight_total, 1)


@dataclass
class Item:
    programme: Programme
    verdict: eligibility.Verdict
    application_date: date
    open_call: Call | None
    next_call: Call | None
    score: float = 0.0
    parts: list[Part] = field(default_factory=list)
    column: int = -1
    applied: bool = False  # the firm has applied to the open call

    @property
    def entry_reasons(self) -> list[eligibility.Reason]:
        """Rules about the firm at the application date."""
        return [r for r in self.verdict.reasons if r.criterion not in AGENCY_CRITERIA]

    @property
    def agency_reasons(self) -> list[eligibility.Reason]:
        """Conditions the agency checks when the firm applies or while it takes part."""
        return [r for r in self.verdict.reasons if r.criterion in AGENCY_CRITERIA]

    @property
    def unmet_reasons(self) -> list[eligibility.Reason]:
        return [r for r in self.verdict.reasons if r.outcome == eligibility.UNMET]


@dataclass
class FirmRecommendations:
    organisation: Organisation
    today: date
    eligible: list[Item]  # ranked by fit
    not_eligible: list[Item]
    assessed: bool
    needs: OrganisationNeeds | None

    @property
    def to_confirm(self) -> list[Item]:
        return [i for i in self.eligible if i.verdict.outcome == eligibility.TO_CONFIRM]


# -- the catalogue of programmes --------------------------------------------------------------


def call_part(calls: list[Call], today: date) -> tuple[float, Call | None, Call | None]:
    """Return (part value, open call, next call) from a programme's current calls."""
    open_call = next((c for c in calls if c.opens_on <= today <= c.closes_on), None)
    upcoming = [c for c in calls if c.opens_on > today]
    next_call = min(upcoming, key=lambda c: c.opens_on) if upcoming else None
    if open_call is not None:
        return 1.0, open_call, next_call
    return (fit.UPCOMING_CALL if next_call else 0.0), None, next_call


def programme_text(programme: Programme) -> str:
    return f"{programme.name}. {programme.description}".strip()


def programme_vectors(programme_ids: list[int]) -> dict[int, np.ndarray]:
    """Return the stored embeddings of the programmes that have one."""
    rows = ProgrammeVector.objects.filter(programme_id__in=programme_ids).values_list(
        "programme_id", "vector"
    )
    return {pk: np.frombuffer(bytes(blob), dtype=np.float32) for pk, blob in rows}


def programme_vectors_refresh(programmes: list[Programme]) -> int:
    """Embed the programmes whose text changed since their vector was stored; return how many."""
    stored = dict(
        ProgrammeVector.objects.filter(programme__in=programmes).values_list(
            "programme_id", "text_hash"
        )
    )
    stale = []
    for programme in programmes:
        digest = hashlib.sha256(programme_text(programme).encode()).hexdigest()
        if stored.get(programme.pk) != digest:
            stale.append((programme, digest))
    if not stale:
        return 0
    matrix = embeddings.embed([programme_text(p) for p, _digest in stale])
    for (programme, digest), vector in zip(stale, matrix, strict=True):
        ProgrammeVector.objects.update_or_create(
            programme=programme, defaults={"text_hash": digest, "vector": vector.tobytes()}
        )
    return len(stale)


def catalogue_for(programmes: list[Programme], today: date) -> tuple[fit.Catalogue, dict]:
    """Return the programmes as a fit catalogue, and {programme id: (open call, next call)}."""
    ids = [p.pk for p in programmes]
    terms_by_vocabulary = programme_term_map(programme_ids=ids)
    terms = {pk: set().union(*by.values()) for pk, by in terms_by_vocabulary.items()}
    current = calls_current(programme_ids=ids, today=today)
    calls, call_values = {}, {}
    for pk in ids:
        call_values[pk], open_call, next_call = call_part(current.get(pk, []), today)
        calls[pk] = (open_call, next_call)
    uptake: dict[tuple, dict[int, int]] = {}
    for (pk, economy, section, size), n in applicant_profile_counts(programme_ids=ids).items():
        group = (economy, section or fit.UNKNOWN, size or fit.UNKNOWN)
        uptake.setdefault(group, {})[pk] = n
    catalogue = fit.catalogue_build(
        programme_ids=ids,
        terms=terms,
        rules={p.pk: p.eligibility for p in programmes},
        calls=call_values,
        uptake=uptake,
        vectors=programme_vectors(ids),
        settings=fit.fit_settings(),
    )
    return catalogue, calls


# -- what a firm needs, in words and as a vector ----------------------------------------------

_need_vectors: dict[str, np.ndarray] = {}
_need_lock = threading.Lock()
NEED_CACHE_SIZE = 10_000


def need_text(needs: OrganisationNeeds | None, barrier_labels: dict[str, str]) -> str:
    """Return the sentence the text part compares with programmes: weakest dimensions, barriers."""
    if needs is None:
        return ""
    weak = fit.weakest_dimensions(needs.scores, fit.fit_settings().weakest)
    words = [needs.labels.get(code, code) for code in weak]
    words += [barrier_labels.get(code, code) for code in sorted(needs.barriers)]
    return "; ".join(words)


def need_vectors(texts: list[str]) -> np.ndarray:
    """Return one unit vector per text (zero for an empty one), embedding each text once."""
    with _need_lock:
        missing = sorted({t for t in texts if t and t not in _need_vectors})
    if missing:
        computed = embeddings.embed(missing)
        with _need_lock:
            if len(_need_vectors) > NEED_CACHE_SIZE:
                _need_vectors.clear()
            _need_vectors.update(zip(missing, computed, strict=True))
    zero = np.zeros(embeddings.DIMENSIONS, dtype=np.float32)
    with _need_lock:
        return (
            np.stack([_need_vectors.get(t, zero) if t else zero for t in texts])
            if texts
            else (np.zeros((0, embeddings.DIMENSIONS), dtype=np.float32))
        )


def barrier_labels() -> dict[str, str]:
    return {t.code: t.label for t in term_list(vocabularies=["barriers"])}


def firms_for(
    profiles: list[dict],
    needs: dict[int, OrganisationNeeds],
    catalogue: fit.Catalogue,
    *,
    with_text: bool,
) -> fit.Firms:
    """Return firms as fit arrays; the text part only when ``with_text`` (programme vectors)."""
    labels = barrier_labels()
    found = [needs.get(p["id"]) for p in profiles]
    texts = [need_text(n, labels) for n in found] if with_text else []
    vectors = (
        need_vectors(texts)
        if with_text
        else np.zeros((len(profiles), embeddings.DIMENSIONS), dtype=np.float32)
    )
    return fit.firms_build(
        profiles=profiles,
        scores=[n.scores if n else {} for n in found],
        needs=[set(n.barriers | n.supports) if n else set() for n in found],
        text=vectors,
        catalogue=catalogue,
        settings=fit.fit_settings(),
    )


# -- one firm ---------------------------------------------------------------------------------


def candidate_programmes(*, economy: str | None, today: date) -> list[Programme]:
    """Return the programmes a firm of ``economy`` may be recommended: its own and international."""
    return list(
        recommendable_programmes(today=today)
        .filter(Q(economy=economy) | Q(economy=None))
        .select_related("economy")
        .order_by("name", "pk")
    )


def part_text(code: str, value: float, item: Item, context: dict) -> str:
    """Say in words what one part of the fit found."""
    programme, firm_needs = item.programme, context["needs"]
    if code == "maturity":
        if firm_needs is None:
            return _("Take the digital maturity assessment to compare your weakest dimensions.")
        weak = fit.weakest_dimensions(firm_needs.scores, fit.fit_settings().weakest)
        named = [firm_needs.labels.get(c, c) for c in weak]
        covered = [
            firm_needs.labels.get(c, c)
            for c in weak
            if set(fit.fit_settings().dimensions.get(c, ()))
            & context["terms"].get(programme.pk, set())
        ]
        if covered:
            return _("It addresses %(covered)s, among your weakest dimensions (%(weak)s).") % {
                "covered": ", ".join(covered),
                "weak": ", ".join(named),
            }
        return _("It addresses none of your weakest dimensions (%(weak)s).") % {
            "weak": ", ".join(named)
        }
    if code == "barriers":
        if firm_needs is None or not (firm_needs.barriers | firm_needs.supports):
            return _("Your assessment found no barrier to compare.")
        shared = sorted(
            (firm_needs.barriers | firm_needs.supports) & context["terms"].get(programme.pk, set())
        )
        if shared:
            labels = context["term_labels"]
            return _("It is classified under %(terms)s, which your assessment pointed to.") % {
                "terms": ", ".join(labels.get(c, c) for c in shared)
            }
        return _("It is classified under none of the barriers or support your assessment found.")
    if code == "sector_size":
        rules = programme.eligibility
        bits = []
        if rules.get("size_classes"):
            bits.append(
                _("it is aimed at %(sizes)s firms") % {"sizes": ", ".join(rules["size_classes"])}
            )
        if rules.get("sections"):
            bits.append(
                _("at ISIC sections %(sections)s") % {"sections": ", ".join(rules["sections"])}
            )
        if not bits:
            return _("It names no sector or size: open to all, aimed at none.")
        return _("Your sector and size: %(what)s.") % {"what": "; ".join(bits)}
    if code == "open_call":
        if item.open_call is not None:
            days = (item.open_call.closes_on - context["today"]).days
            return _("A call is open until %(date)s (%(days)s days left).") % {
                "date": item.open_call.closes_on.isoformat(),
                "days": days,
            }
        if item.next_call is not None:
            return _("A call opens on %(date)s.") % {"date": item.next_call.opens_on.isoformat()}
        return _("No call is open or announced.")
    if code == "uptake":
        count = int(context["uptake"].get(programme.pk, 0))
        if count < fit.MIN_CELL_SIZE:
            return _("Fewer than %(n)s firms like yours applied, so their number is not shown.") % {
                "n": fit.MIN_CELL_SIZE
            }
        return _("%(count)s firms of your economy, sector and size applied.") % {"count": count}
    if code == "text":
        if not context["with_text"]:
            return _("Texts are not compared yet; they are after the next refresh.")
        if firm_needs is None:
            return _("Take the assessment so that your needs can be compared with its description.")
        return _("Its description resembles your needs by %(percent)s%%.") % {
            "percent": round(100 * value)
        }
    raise ValueError(code)


def programme_recommendations(
    *, organisation: Organisation, today: date | None = None
) -> FirmRecommendations:
    """Return every running programme open to the firm's economy, classed, with eligible ones
    ranked by fit and every rule and part explained."""
    today = today or timezone.localdate()
    programmes = candidate_programmes(economy=organisation.economy_id, today=today)
    catalogue, calls = catalogue_for(programmes, today)
    needs = organisation_needs(organisation_ids=[organisation.pk]).get(organisation.pk)
    profile = organisation_profiles(pks=[organisation.pk], kinds=[organisation.kind])
    with_text = bool(catalogue.vectors is not None and np.abs(catalogue.vectors).sum() > 0)
    firm = eligibility.Firm.of(organisation)
    items = []
    for programme in programmes:
        open_call, next_call = calls[programme.pk]
        application_date = today if open_call or not next_call else next_call.opens_on
        verdict = eligibility.check(
            rules=programme.eligibility,
            economy=programme.economy_id,
            economy_name=str(programme.economy) if programme.economy_id else "",
            firm=firm,
            stated=programme.eligibility_stated,
            today=application_date,
        )
        items.append(Item(programme, verdict, application_date, open_call, next_call))
    firms = firms_for(
        profile, {organisation.pk: needs} if needs else {}, catalogue, with_text=with_text
    )
    parts = dict(fit.part_matrices(catalogue, firms, fit.fit_settings()))
    settings = fit.fit_settings()
    group = firms.groups[0]
    terms = {
        pk: set().union(*by.values())
        for pk, by in programme_term_map(programme_ids=[p.pk for p in programmes]).items()
    }
    context = {
        "needs": needs,
        "terms": terms,
        "term_labels": {
            t.code: t.label for t in term_list(codes={c for s in terms.values() for c in s})
        },
        "today": today,
        "uptake": dict(
            zip(
                catalogue.programme_ids.tolist(),
                catalogue.uptake.get(group, np.zeros(catalogue.size)).tolist(),
                strict=True,
            )
        ),
        "with_text": with_text,
    }
    total = fit.total_of(parts, settings)
    eligible, not_eligible = [], []
    for column, item in enumerate(items):
        if item.verdict.outcome in ELIGIBLE:
            item.parts = [
                Part(
                    code,
                    str(PART_LABELS[code]),
                    settings.weights[code],
                    float(parts[code][0, column]),
                    part_text(code, float(parts[code][0, column]), item, context),
                )
                for code in fit.PARTS
            ]
            item.score = round(float(total[0, column]), 1)
            item.column = column
            eligible.append((float(total[0, column]), column, item))
        else:
            not_eligible.append(item)
    applied = applied_call_ids(
        organisation=organisation,
        call_ids=[item.open_call.pk for item in items if item.open_call is not None],
    )
    for item in items:
        item.applied = item.open_call is not None and item.open_call.pk in applied
    # Best fit first; ties in the catalogue's order (by name), as the background refresh does.
    eligible = [item for _score, _column, item in sorted(eligible, key=lambda e: (-e[0], e[1]))]
    return FirmRecommendations(
        organisation=organisation,
        today=today,
        eligible=eligible,
        not_eligible=not_eligible,
        assessed=needs is not None,
        needs=needs,
    )
