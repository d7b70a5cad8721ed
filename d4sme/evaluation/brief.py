"""An evaluation's brief, on the page and as a PDF: design, counts, balance, estimates with
charts, the evidence rating, caveats and what was withheld.

It follows MatchIt's reporting checklist (specification, balance, matched / unmatched counts,
estimator, sensitivity). Anyone but an analyst reads it with small cells withheld: a count,
mean or estimate resting on fewer than the minimum cell size of firms is not shown.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from d4sme.reports.charts import to_svg
from d4sme.reports.disclosure import figure, minimum_cell_size
from d4sme.reports.pdf import PdfSource

from . import charts
from .models import Covariate, Evaluation
from .rating import reason_texts, step_name
from .selectors import evaluation_results

PDF_SOURCE = "evaluation.brief"

REFUTATION_NAMES = {
    "placebo_treatment": gettext_lazy("Placebo participation"),
    "random_common_cause": gettext_lazy("Random common cause"),
}
AGGREGATION_ORDER = ["did", "before_after", "simple", "group", "dynamic", "calendar", "gt"]


def _covariate_label(name: str) -> str:
    base = name
    for value, label in Covariate.choices:
        if name == value:
            return str(label)
        if name.startswith(value) and value == "sector":
            return f"{label}: {name[len(value) :]}"
    return base


def brief_context(evaluation: Evaluation, *, full: bool) -> dict:
    """Everything the brief shows; ``full`` for analysts, else small cells are withheld."""
    results = evaluation_results(evaluation=evaluation)
    summary = evaluation.summary or {}
    minimum = minimum_cell_size()
    matched = summary.get("participants_matched", summary.get("participants_with_outcomes", 0))

    def count(n):
        if n is None:
            return None
        return n if full else figure(n, contributors=n).value

    withheld = False
    estimates = []
    for e in sorted(
        results["estimates"],
        key=lambda e: (AGGREGATION_ORDER.index(e.aggregation), e.g or 0, e.t or 0, e.e or 0),
    ):
        hidden = not full and e.n_treated is not None and 0 < e.n_treated < minimum
        withheld |= hidden
        estimates.append({"row": e, "hidden": hidden})
    balance_hidden = not full and 0 < (matched or 0) < minimum
    withheld |= balance_hidden
    balance = [] if balance_hidden else results["balance"]
    for row in balance:
        row.label = _covariate_label(row.covariate)
    counts = {
        key: count(summary.get(key))
        for key in (
            "participants",
            "participants_with_outcomes",
            "participants_dropped",
            "participants_matched",
            "participants_unmatched",
            "comparison_matched",
            "comparison_rows",
            "comparison_firms",
        )
    }
    withheld |= any(
        summary.get(k) is not None and counts[k] is None for k in counts if summary.get(k)
    )
    visible_estimates = [item["row"] for item in estimates if not item["hidden"]]
    criteria = evaluation.evidence_criteria or {}
    refutations = [
        {**r, "label": REFUTATION_NAMES.get(r["name"], r["name"])}
        for r in summary.get("refutations", [])
    ]
    return {
        "evaluation": evaluation,
        "programme": evaluation.programme,
        "summary": summary,
        "counts": counts,
        "pool": evaluation.comparison_pool or {},
        "balance": balance,
        "balance_hidden": balance_hidden,
        "estimates": estimates,
        "main": next(
            (e for e in visible_estimates if e.overall and e.aggregation in ("did", "simple")), None
        ),
        "naive": next((e for e in visible_estimates if e.aggregation == "before_after"), None),
        "pretrend": next(
            (e for e in visible_estimates if e.aggregation == "did" and e.e == -1), None
        ),
        "refutations": refutations,
        "step": evaluation.evidence_step,
        "step_name": step_name(evaluation.evidence_step),
        "reasons": reason_texts(criteria.get("reasons", [])),
        "criteria": criteria,
        "covariate_labels": [_covariate_label(c) for c in evaluation.covariates],
        "withheld": withheld,
        "minimum": minimum,
        "full": full,
        "love_plot": charts.love_plot(balance),
        "event_study": charts.event_study(visible_estimates),
    }


def brief_html(evaluation: Evaluation, *, full: bool) -> str:
    """The brief as the PDF's HTML, its charts drawn to SVG on the server."""
    context = brief_context(evaluation, full=full)
    context["love_svg"] = to_svg(context["love_plot"]) if context["love_plot"] else ""
    context["event_svg"] = to_svg(context["event_study"]) if context["event_study"] else ""
    return render_to_string("evaluation/brief_pdf.html", context)


def _can_view(user, object_id: str) -> bool:
    evaluation = Evaluation.objects.filter(pk=object_id).first()
    return (
        evaluation is not None
        and evaluation.has_results
        and user.has_perm("evaluation.view_evaluation", evaluation)
    )


def _pdf_html(object_id: str) -> str:
    # Printed for whoever asked; an analyst's PDF keeps small cells only while unapproved.
    evaluation = Evaluation.objects.select_related("programme").get(pk=object_id)
    return brief_html(evaluation, full=not evaluation.is_public)


BRIEF_PDF = PdfSource(
    html=_pdf_html,
    can_view=_can_view,
    back=lambda object_id: (
        reverse("evaluation:evaluation-brief", args=[object_id]),
        _("Back to the brief"),
    ),
)
