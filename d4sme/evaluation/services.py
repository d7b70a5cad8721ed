"""Every change to evaluations: plan, queue, run (in the worker), approve, record outcomes."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    BalanceRow,
    Covariate,
    Design,
    EffectEstimate,
    Evaluation,
    EvaluationStatus,
    FirmOutcome,
    MatchPair,
)

logger = logging.getLogger(__name__)

PLAN_FIELDS = (
    "title",
    "question",
    "outcome",
    "design",
    "covariates",
    "exact_sector",
    "caliper",
    "ratio",
    "replace",
    "horizon",
    "control_group",
    "seed",
)


def _require_manager(user) -> None:
    if not user.has_perm("evaluation.manage_evaluation"):
        raise PermissionDenied(_("Analysts plan, run and approve evaluations."))


def _validate(evaluation: Evaluation) -> None:
    unknown = [c for c in evaluation.covariates if c not in Covariate.values]
    if unknown:
        raise ValidationError({"covariates": _("Unknown covariates: %s") % ", ".join(unknown)})
    if evaluation.design == Design.PSM_DID and not evaluation.covariates:
        raise ValidationError(
            {"covariates": _("A matched comparison needs at least one covariate to match on.")}
        )
    evaluation.full_clean(exclude=["created_by", "approved_by"])


def evaluation_create(*, user, programme, **plan) -> Evaluation:
    """Plan an evaluation of ``programme``; nothing runs until it is queued."""
    _require_manager(user)
    evaluation = Evaluation(programme=programme, created_by=user)
    for name in PLAN_FIELDS:
        if name in plan and plan[name] is not None:
            setattr(evaluation, name, plan[name])
    evaluation.covariates = list(dict.fromkeys(evaluation.covariates))
    _validate(evaluation)
    with transaction.atomic():
        evaluation.save()
    return evaluation


def evaluation_queue(*, user, evaluation: Evaluation) -> Evaluation:
    """Queue a run (or a re-run, which replaces the results with the same plan and seed)."""
    from .tasks import evaluation_run_task

    _require_manager(user)
    if evaluation.status in (EvaluationStatus.QUEUED, EvaluationStatus.RUNNING):
        raise ValidationError(_("This evaluation is already waiting or running."))
    if evaluation.status == EvaluationStatus.APPROVED:
        raise ValidationError(_("An approved evaluation is not run again; plan a new one."))
    with transaction.atomic():
        Evaluation.objects.filter(pk=evaluation.pk).update(
            status=EvaluationStatus.QUEUED, progress=0, progress_step="", error=""
        )
        transaction.on_commit(lambda: evaluation_run_task.enqueue(evaluation_id=evaluation.pk))
    evaluation.refresh_from_db()
    return evaluation


def _progress(evaluation_id: int):
    def report(percent: int, step: str) -> None:
        Evaluation.objects.filter(pk=evaluation_id).update(progress=percent, progress_step=step)

    return report


def evaluation_execute(*, evaluation_id: int) -> str:
    """Run a queued evaluation (in the worker) and store its results in one transaction."""
    from .analysis import analyse, library_versions

    if not Evaluation.objects.filter(pk=evaluation_id, status=EvaluationStatus.QUEUED).update(
        status=EvaluationStatus.RUNNING, progress=1
    ):
        found = Evaluation.objects.filter(pk=evaluation_id).first()
        return found.status if found else "missing"
    evaluation = Evaluation.objects.select_related("programme").get(pk=evaluation_id)
    try:
        result = analyse(evaluation, _progress(evaluation_id))
    except Exception as error:
        logger.exception("Evaluation %s failed", evaluation_id)
        Evaluation.objects.filter(pk=evaluation_id).update(
            status=EvaluationStatus.FAILED, error=str(error)[:2000], progress=100
        )
        return EvaluationStatus.FAILED
    with transaction.atomic():
        evaluation.pairs.all().delete()
        evaluation.balance.all().delete()
        evaluation.estimates.all().delete()
        MatchPair.objects.bulk_create(
            MatchPair(
                evaluation=evaluation,
                treated_id=p.treated,
                control_id=p.control,
                entry_year=p.entry_year,
                subclass=p.subclass,
                control_weight=p.control_weight,
            )
            for p in result.pairs
        )
        BalanceRow.objects.bulk_create(
            BalanceRow(
                evaluation=evaluation,
                position=i,
                covariate=row.covariate,
                mean_treated_before=row.mean_treated_before,
                mean_control_before=row.mean_control_before,
                smd_before=row.smd_before,
                var_ratio_before=row.var_ratio_before,
                mean_treated_after=row.mean_treated_after,
                mean_control_after=row.mean_control_after,
                smd_after=row.smd_after,
                var_ratio_after=row.var_ratio_after,
                balanced=row.balanced,
            )
            for i, row in enumerate(result.balance)
        )
        EffectEstimate.objects.bulk_create(
            EffectEstimate(evaluation=evaluation, **vars(e)) for e in result.estimates
        )
        Evaluation.objects.filter(pk=evaluation_id).update(
            status=EvaluationStatus.DONE,
            progress=100,
            progress_step="",
            comparison_pool=result.pool,
            summary=result.summary,
            library_versions=library_versions(),
            evidence_step=result.rating.step,
            evidence_criteria={
                **result.rating.criteria,
                "reasons": [list(r) for r in result.rating.reasons],
            },
            ran_at=timezone.now(),
        )
    return EvaluationStatus.DONE


def evaluation_approve(*, user, evaluation: Evaluation) -> Evaluation:
    """Publish an evaluation's results (small cells stay withheld)."""
    _require_manager(user)
    if evaluation.status != EvaluationStatus.DONE:
        raise ValidationError(_("Only an evaluation with results can be approved."))
    with transaction.atomic():
        evaluation.status = EvaluationStatus.APPROVED
        evaluation.approved_by = user
        evaluation.approved_at = timezone.now()
        evaluation.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    return evaluation


def firm_outcomes_record(*, rows: list[dict], source: str = "") -> int:
    """Add or replace firm-year outcomes (organisation_id, year, sales, employment, operating);
    return how many rows were written. Used by the demo and by imports."""
    with transaction.atomic():
        objects = [
            FirmOutcome(
                organisation_id=r["organisation_id"],
                year=r["year"],
                sales=r.get("sales"),
                employment=r.get("employment"),
                operating=r.get("operating", True),
                source=source,
            )
            for r in rows
        ]
        FirmOutcome.objects.bulk_create(
            objects,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["organisation", "year"],
            update_fields=["sales", "employment", "operating", "source"],
        )
    return len(objects)


def firm_outcomes_import(*, user, rows: list[dict], source: str) -> int:
    """Record yearly outcomes of registered firms (analysts), all rows or none; return how many
    were written. Every firm must be a registered SME or large firm."""
    from d4sme.registry.selectors import organisation_profiles

    _require_manager(user)
    ids = {r["organisation_id"] for r in rows}
    known = {p["id"] for p in organisation_profiles(pks=ids, kinds=("sme", "large_firm"))}
    unknown = sorted(ids - known)
    if unknown:
        raise ValidationError(
            {"rows": _("No registered firm has these ids: %s") % ", ".join(map(str, unknown[:20]))}
        )
    seen = set()
    for r in rows:
        key = (r["organisation_id"], r["year"])
        if key in seen:
            raise ValidationError(
                {
                    "rows": _("Firm %(id)s has two rows for %(year)s.")
                    % {"id": key[0], "year": key[1]}
                }
            )
        seen.add(key)
    return firm_outcomes_record(rows=rows, source=source[:200])
