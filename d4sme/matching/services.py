"""Every change the matching app makes: runs queued and carried out, recommendations stored."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from d4sme.assessments.selectors import organisation_needs
from d4sme.programmes.eligibility import Population
from d4sme.programmes.selectors import recommendable_programmes
from d4sme.registry.selectors import (
    membership_exists,
    membership_organisation_ids,
    organisation_profiles,
)

from . import fit, notifications, recommend, suppliers, youth
from .models import (
    Candidate,
    JobApplication,
    JobMatch,
    JobPost,
    MatchRun,
    MatchStatus,
    PairEvent,
    Recommendation,
    RunKind,
    RunStatus,
    SubsidyBudget,
    SupplierNeed,
    SupplierOffer,
    SupplierPair,
    SupplierRelationship,
)

if TYPE_CHECKING:
    from d4sme.registry.models import User

# Firms scored together in one matrix product of the refresh.
CHUNK = 2048
# Recommendations stored per firm by the refresh (the page shows them all, live).
TOP_K = 20


def recommendations_refresh_request(*, user: User) -> MatchRun:
    """Queue a refresh of every firm's stored recommendations; return its run."""
    if not user.has_perm("matching.refresh_recommendations"):
        raise PermissionDenied(_("Analysts and administrators refresh recommendations."))
    from .tasks import recommendations_refresh_task

    run = MatchRun.objects.create(
        kind=RunKind.PROGRAMMES,
        created_by=user,
        solver="numpy",
        solver_version=np.__version__,
        params={"chunk": CHUNK, "top_k": TOP_K, "weights": fit.fit_settings().weights},
    )
    transaction.on_commit(lambda: recommendations_refresh_task.enqueue(run_id=run.pk))
    return run


def population_of(profiles: list[dict]) -> Population:
    """Return the firms' profiles as a bulk-eligibility population."""
    return Population(
        economy=[p["economy_id"] for p in profiles],
        size_class=[p["size_class"] for p in profiles],
        section=[p["isic_section"] or "" for p in profiles],
        region=[p["region__code"] for p in profiles],
        founded_year=[p["founded_year"] for p in profiles],
        women_led=[p["women_led"] for p in profiles],
        youth_led=[p["youth_led"] for p in profiles],
        rural=[p["rural"] for p in profiles],
    )


def eligible_columns(population: Population, programmes: list, today: date) -> list[np.ndarray]:
    """Return, per programme, the sorted row indices of the firms eligible for it."""
    return [
        np.sort(
            population.eligible(
                rules=p.eligibility,
                economy=p.economy_id,
                stated=p.eligibility_stated,
                today=today,
            )
        )
        for p in programmes
    ]


def eligibility_block(columns: list[np.ndarray], start: int, end: int) -> np.ndarray:
    """Return the (end - start, P) boolean matrix of eligibility for rows start..end."""
    block = np.zeros((end - start, len(columns)), dtype=bool)
    for j, rows in enumerate(columns):
        lo, hi = np.searchsorted(rows, [start, end])
        block[rows[lo:hi] - start, j] = True
    return block


def recommendations_refresh(
    *, run: MatchRun, today: date | None = None, with_text: bool = True
) -> MatchRun:
    """Store every firm's top recommendations, scoring firms chunk by chunk, and report progress.

    Eligibility comes from ``Population.eligible`` (one vectorised pass per programme); the
    fit is one matrix product per part and chunk of firms.
    """
    today = today or timezone.localdate()
    MatchRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
    programmes = list(recommendable_programmes(today=today).order_by("name", "pk"))
    if with_text:
        recommend.programme_vectors_refresh(programmes)
    catalogue, _calls = recommend.catalogue_for(programmes, today)
    profiles = organisation_profiles()
    run.total = len(profiles)
    run.done = 0
    run.save(update_fields=["total", "done"])
    columns = eligible_columns(population_of(profiles), programmes, today)
    settings = fit.fit_settings()
    pairs = 0
    for start in range(0, len(profiles), CHUNK):
        end = min(start + CHUNK, len(profiles))
        chunk = profiles[start:end]
        ids = [p["id"] for p in chunk]
        needs = organisation_needs(organisation_ids=ids)
        firms = recommend.firms_for(chunk, needs, catalogue, with_text=with_text)
        parts = dict(fit.part_matrices(catalogue, firms, settings))
        total = fit.total_of(parts, settings)
        allowed = eligibility_block(columns, start, end)
        total = np.where(allowed, total, -1.0)
        rows = []
        for r, organisation_id in enumerate(ids):
            eligible = np.flatnonzero(allowed[r])
            if not len(eligible):
                continue
            order = eligible[np.lexsort((eligible, -total[r, eligible]))][:TOP_K]
            for rank, j in enumerate(order, start=1):
                rows.append(
                    Recommendation(
                        run=run,
                        organisation_id=organisation_id,
                        programme_id=int(catalogue.programme_ids[j]),
                        score=round(float(total[r, j]), 2),
                        rank=rank,
                        parts={k: round(float(v[r, j]), 4) for k, v in parts.items()},
                    )
                )
        with transaction.atomic():
            Recommendation.objects.filter(organisation_id__in=ids).delete()
            Recommendation.objects.bulk_create(rows, batch_size=1000)
            pairs += len(rows)
            MatchRun.objects.filter(pk=run.pk).update(done=end)
    run.refresh_from_db()
    run.status = RunStatus.DONE
    run.finished_at = timezone.now()
    run.summary = {"firms": len(profiles), "programmes": len(programmes), "stored": pairs}
    run.save(update_fields=["status", "finished_at", "summary"])
    return run


# -- young people and digital jobs ------------------------------------------------------------


def candidate_save(
    *, user: User, display_name: str, birth_date: date, skills: list[str], wishes: str = ""
) -> Candidate:
    """Create or change the signed-in user's candidate profile."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in to register as a candidate."))
    candidate = Candidate.objects.filter(user=user).first() or Candidate(user=user)
    candidate.display_name = display_name
    candidate.birth_date = birth_date
    candidate.skills = sorted({s.strip() for s in skills if s.strip()})
    candidate.wishes = wishes
    candidate.full_clean()
    candidate.save()
    return candidate


def job_post_create(*, user: User, organisation, programme, **fields) -> JobPost:
    """Post a digital job for ``organisation`` (its members only)."""
    if not membership_exists(user=user, organisation_id=organisation.pk):
        raise PermissionDenied(_("Only the firm's members post its jobs."))
    if organisation.kind != "sme":
        raise ValidationError(
            {"organisation": _("Digital jobs with the wage subsidy are for SMEs.")}
        )
    fields.setdefault("posted_on", timezone.localdate())
    fields["digital_skills"] = sorted(
        {s.strip() for s in fields.get("digital_skills", []) if s.strip()}
    )
    job = JobPost(organisation=organisation, programme=programme, created_by=user, **fields)
    job.full_clean()
    job.save()
    return job


def job_apply(*, user: User, job: JobPost) -> JobApplication:
    """Add ``job`` at the end of the signed-in candidate's list."""
    candidate = Candidate.objects.filter(user=user).first() if user.is_authenticated else None
    if candidate is None:
        raise PermissionDenied(_("Register as a candidate before applying."))
    if not job.is_open:
        raise ValidationError(_("This job is no longer open."))
    with transaction.atomic():
        existing = candidate.applications.filter(job=job).first()
        if existing:
            return existing
        rank = candidate.applications.count() + 1
        return JobApplication.objects.create(candidate=candidate, job=job, rank=rank)


def budget_remaining(*, programme, year: int) -> tuple[SubsidyBudget | None, Decimal]:
    """Return the programme's budget for ``year`` and what is left after accepted hires."""
    budget = SubsidyBudget.objects.filter(programme=programme, year=year).first()
    if budget is None:
        return None, Decimal(0)
    spent = JobMatch.objects.filter(
        job__programme=programme,
        subsidised=True,
        status=MatchStatus.ACCEPTED,
        run__created_at__year=year,
    ).count()
    return budget, max(Decimal(0), budget.amount - spent * budget.per_hire)


def youth_instance(
    *,
    programme,
    jobs: list[JobPost],
    applications: list[JobApplication],
    remaining: Decimal,
    per_hire: Decimal,
):
    """Return the matching instance, the candidates, why some pairs were left out, and the jobs
    whose subsidised places the budget closed."""
    candidates = sorted({a.candidate for a in applications}, key=lambda c: c.pk)
    c_index = {c.pk: i for i, c in enumerate(candidates)}
    j_index = {j.pk: i for i, j in enumerate(jobs)}
    rules = programme.eligibility or {}
    places, fundable = youth.subsidised_places(
        slots=[j.slots for j in jobs],
        subsidised=[j.subsidy_applies for j in jobs],
        remaining=remaining,
        per_hire=per_hire,
    )
    candidate_lists: list[list[int]] = [[] for _ in candidates]
    applicants: list[list[tuple[float, int, int]]] = [[] for _ in jobs]
    fit: dict[tuple[int, int], float] = {}
    excluded: dict[int, list[str]] = {}
    for application in sorted(applications, key=lambda a: (a.candidate_id, a.rank, a.pk)):
        if application.job_id not in j_index:
            continue
        c, j = c_index[application.candidate_id], j_index[application.job_id]
        job = jobs[j]
        problems = youth.pair_problems(
            age=application.candidate.age_on(job.posted_on),
            size_class=job.organisation.size_class,
            rules=rules,
        )
        if problems:
            excluded.setdefault(c, []).extend(p for p in problems if p not in excluded.get(c, []))
            continue
        value = youth.skills_fit(application.candidate.skills, job.digital_skills)
        fit[(c, j)] = value
        candidate_lists[c].append(j)
        applicants[j].append((-value, application.pk, c))
    job_lists = [[c for _v, _pk, c in sorted(found)] for found in applicants]
    instance = youth.Instance(
        candidate_lists=candidate_lists,
        job_lists=job_lists,
        places=places,
        fit=fit,
        subsidised=[j.subsidy_applies for j in jobs],
        excluded=excluded,
    )
    cut = {j for j, job in enumerate(jobs) if places[j] < job.slots}
    return instance, candidates, cut, fundable


def youth_match_run(*, user: User, programme, mode: str = youth.STABLE) -> MatchRun:
    """Match the candidates who applied to the programme's open jobs; record both modes'
    outcomes and keep the chosen one's pairs."""
    if not user.has_perm("programmes.manage_programme", programme):
        raise PermissionDenied(_("Only the programme's managers run its matching."))
    if mode not in youth.MODES:
        raise ValidationError({"mode": _("Choose stable or max-fit.")})
    today = timezone.localdate()
    jobs = list(
        JobPost.objects.filter(programme=programme, is_open=True)
        .select_related("organisation")
        .order_by("posted_on", "id")
    )
    applications = list(JobApplication.objects.filter(job__in=jobs).select_related("candidate"))
    budget, remaining = budget_remaining(programme=programme, year=today.year)
    per_hire = budget.per_hire if budget else Decimal(1)
    instance, candidates, cut, fundable = youth_instance(
        programme=programme,
        jobs=jobs,
        applications=applications,
        remaining=remaining,
        per_hire=per_hire,
    )
    outcomes = youth.solve(instance)
    chosen = outcomes[mode]
    reasons = youth.unmatched_reasons(instance, chosen.match, cut)
    if mode == youth.MAX_FIT:
        reasons = {c: (youth.NOT_CHOSEN if r == youth.OUTRANKED else r) for c, r in reasons.items()}
    import scipy

    with transaction.atomic():
        run = MatchRun.objects.create(
            kind=RunKind.YOUTH_JOBS,
            status=RunStatus.DONE,
            created_by=user,
            params={
                "programme": programme.code,
                "mode": mode,
                "jobs": [j.pk for j in jobs],
                "applications": sorted(a.pk for a in applications),
                "budget_remaining": str(remaining),
                "per_hire": str(per_hire),
            },
            seed=None,
            solver="deferred-acceptance (numpy)"
            if mode == youth.STABLE
            else "scipy linear_sum_assignment",
            solver_version=np.__version__ if mode == youth.STABLE else scipy.__version__,
            objective_value=chosen.total_fit,
            summary={
                "matched": chosen.matched,
                "blocking_pairs": chosen.blocking,
                "unmatched": {str(candidates[c].pk): r for c, r in sorted(reasons.items())},
                "not_eligible": {
                    str(candidates[c].pk): p for c, p in sorted(instance.excluded.items())
                },
                "budget": {
                    "remaining": str(remaining),
                    "per_hire": str(per_hire),
                    "fundable_hires": fundable,
                    "used": str(chosen.subsidised_hires * per_hire),
                    "jobs_closed_by_budget": sorted(jobs[j].pk for j in cut),
                },
                "trade_off": {
                    name: {
                        "total_fit": o.total_fit,
                        "matched": o.matched,
                        "blocking_pairs": o.blocking,
                        "subsidised_hires": o.subsidised_hires,
                    }
                    for name, o in outcomes.items()
                },
            },
            total=len(candidates),
            done=len(candidates),
            finished_at=timezone.now(),
        )
        JobMatch.objects.bulk_create(
            JobMatch(
                run=run,
                job=jobs[j],
                candidate=candidates[c],
                fit=instance.fit[(c, j)],
                subsidised=instance.subsidised[j],
            )
            for c, j in enumerate(chosen.match.tolist())
            if j >= 0
        )
        notifications.notify_job_matches(run)
    return run


def job_match_decide(*, user: User, match: JobMatch, accept: bool) -> JobMatch:
    """The employing firm hires the proposed candidate, or declines."""
    if not membership_exists(user=user, organisation_id=match.job.organisation_id):
        raise PermissionDenied(_("Only the employing firm decides on a proposed hire."))
    match.status = MatchStatus.ACCEPTED if accept else MatchStatus.DECLINED
    match.save(update_fields=["status"])
    return match


# -- suppliers and buyers ---------------------------------------------------------------------


def _member_of(user: User, organisation) -> bool:
    return membership_exists(user=user, organisation_id=organisation.pk)


def supplier_need_create(*, user: User, buyer, **fields) -> SupplierNeed:
    """Publish what a large firm wants from suppliers (its members only)."""
    if not _member_of(user, buyer):
        raise PermissionDenied(_("Only the firm's members publish its supplier needs."))
    if buyer.kind != "large_firm":
        raise ValidationError({"buyer": _("Large firms publish supplier needs.")})
    fields["capabilities"] = sorted(
        {c.strip() for c in fields.get("capabilities", []) if c.strip()}
    )
    need = SupplierNeed(buyer=buyer, created_by=user, **fields)
    need.full_clean()
    need.save()
    return need


def supplier_offer_create(*, user: User, supplier, **fields) -> SupplierOffer:
    """Publish what an SME can supply (its members only)."""
    if not _member_of(user, supplier):
        raise PermissionDenied(_("Only the firm's members publish its offers."))
    if supplier.kind != "sme":
        raise ValidationError({"supplier": _("SMEs publish supplier offers.")})
    for key in ("capabilities", "certifications"):
        fields[key] = sorted({c.strip() for c in fields.get(key, []) if c.strip()})
    offer = SupplierOffer(supplier=supplier, created_by=user, **fields)
    offer.full_clean()
    offer.save()
    return offer


def supplier_match_run(
    *, user: User, seed: int = 0, hhi_ceiling: int = suppliers.DEFAULT_HHI_CEILING
) -> MatchRun:
    """Propose suppliers for open needs, solved exactly, and record inputs, solver and HHI.

    Analysts and administrators match every open need; a large firm's members its own.
    """
    import ortools

    from .solvers import SUPPLIER_SOLVER, SupplierProblem, supplier_plan

    if not 0 < hhi_ceiling <= 10_000:
        raise ValidationError({"hhi_ceiling": _("The HHI ceiling is between 1 and 10,000.")})
    needs = SupplierNeed.objects.filter(is_open=True).select_related("buyer")
    if not user.has_perm("matching.refresh_recommendations"):
        mine = membership_organisation_ids(user=user)
        needs = needs.filter(buyer_id__in=mine)
    needs = list(needs.order_by("id"))
    if not needs:
        raise PermissionDenied(_("Publish a supplier need before matching suppliers."))
    offers = list(SupplierOffer.objects.filter(is_open=True).order_by("id"))
    edges = suppliers.candidate_edges(needs, offers)
    supplier_ids = sorted({o.supplier_id for o in offers})
    relationships = list(
        SupplierRelationship.objects.filter(supplier_id__in=supplier_ids).values_list(
            "supplier_id", "buyer_id", "volume"
        )
    )
    buyer_ids = sorted({n.buyer_id for n in needs} | {b for _s, b, _v in relationships})
    s_index = {pk: i for i, pk in enumerate(supplier_ids)}
    b_index = {pk: i for i, pk in enumerate(buyer_ids)}
    existing = np.zeros((len(supplier_ids), len(buyer_ids)), dtype=np.int64)
    for supplier_id, buyer_id, volume in relationships:
        existing[s_index[supplier_id], b_index[buyer_id]] += volume
    problem = SupplierProblem(
        edge_offer=np.array([e.offer for e in edges], dtype=np.int64),
        edge_need=np.array([e.need for e in edges], dtype=np.int64),
        edge_fit=np.array([round(100 * e.fit) for e in edges], dtype=np.int64),
        offer_capacity=np.array([o.capacity for o in offers], dtype=np.int64),
        offer_supplier=np.array([s_index[o.supplier_id] for o in offers], dtype=np.int64),
        need_volume=np.array([n.volume for n in needs], dtype=np.int64),
        need_max_share=np.array([n.max_share for n in needs], dtype=float),
        need_buyer=np.array([b_index[n.buyer_id] for n in needs], dtype=np.int64),
        existing=existing,
        max_buyer_share=hhi_ceiling / 10_000,
    )
    plan = supplier_plan(problem, seed=seed) if edges else None
    volume = plan.volume if plan is not None else np.zeros(0, dtype=np.int64)
    after = existing.copy()
    if len(volume):
        np.add.at(
            after,
            (problem.offer_supplier[problem.edge_offer], problem.need_buyer[problem.edge_need]),
            volume,
        )

    def hhi_table(before, after_, ids):
        b, a = suppliers.hhi_rows(before), suppliers.hhi_rows(after_)
        return {
            str(pk): [float(b[i]), float(a[i])]
            for i, pk in enumerate(ids)
            if before[i].any() or after_[i].any()
        }

    with transaction.atomic():
        run = MatchRun.objects.create(
            kind=RunKind.SUPPLIERS,
            status=RunStatus.DONE,
            created_by=user,
            seed=seed,
            solver=SUPPLIER_SOLVER,
            solver_version=ortools.__version__,
            objective_value=float(plan.objective) if plan else 0.0,
            params={
                "needs": [n.pk for n in needs],
                "offers": [o.pk for o in offers],
                "top_k": suppliers.TOP_K,
                "weights": suppliers.WEIGHTS,
                "hhi_ceiling": hhi_ceiling,
                "relationships": [list(r) for r in relationships],
            },
            summary={
                "status": plan.status if plan else "NO_CANDIDATES",
                "bound": plan.bound if plan else 0.0,
                "edges": len(edges),
                "pairs": int((volume > 0).sum()),
                "hhi_supplier": hhi_table(existing, after, supplier_ids),
                "hhi_buyer": hhi_table(existing.T, after.T, buyer_ids),
            },
            total=len(needs),
            done=len(needs),
            finished_at=timezone.now(),
        )
        SupplierPair.objects.bulk_create(
            SupplierPair(
                run=run,
                need=needs[edge.need],
                offer=offers[edge.offer],
                volume=int(v),
                fit=edge.fit,
            )
            for edge, v in zip(edges, volume.tolist(), strict=True)
            if v > 0
        )
        notifications.notify_supplier_pairs(run)
    return run


def supplier_pair_decide(*, user: User, pair: SupplierPair, accept: bool) -> SupplierPair:
    """Record one side's answer to a proposed pair; once both accept, the relationship grows."""
    action = MatchStatus.ACCEPTED if accept else MatchStatus.DECLINED
    sides = []
    if _member_of(user, pair.need.buyer):
        sides.append("buyer")
    if _member_of(user, pair.offer.supplier):
        sides.append("supplier")
    if not sides:
        raise PermissionDenied(_("Only the buyer and the supplier answer a proposed pair."))
    if pair.status != MatchStatus.PROPOSED:
        raise ValidationError(_("This pair has already been settled."))
    with transaction.atomic():
        for side in sides:
            setattr(pair, f"{side}_status", action)
            PairEvent.objects.create(pair=pair, side=side, action=action, user=user)
        pair.save(update_fields=["buyer_status", "supplier_status"])
        if pair.status == MatchStatus.ACCEPTED:
            relationship, _created = SupplierRelationship.objects.get_or_create(
                buyer=pair.need.buyer,
                supplier=pair.offer.supplier,
                defaults={"volume": 0, "since": timezone.localdate()},
            )
            relationship.volume += pair.volume
            relationship.save(update_fields=["volume"])
    return pair
