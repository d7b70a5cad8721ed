"""`d4sme demo` leaves an evaluation to read: past cohorts, outcomes and an approved brief."""

from io import StringIO

import pytest
from django.core.management import call_command

from d4sme.evaluation.demo import EFFECT_JOBS
from d4sme.evaluation.models import Evaluation, EvaluationStatus, FirmOutcome

pytestmark = pytest.mark.django_db


def test_the_demo_evaluates_its_programme_and_finds_the_effect_it_planted(content):
    out = StringIO()
    call_command("demo", smes=2000, seed=2, stdout=out)
    assert "Evaluated it: evidence step" in out.getvalue()
    evaluation = Evaluation.objects.get()
    assert evaluation.status == EvaluationStatus.APPROVED
    assert evaluation.summary["participants_matched"] >= 30
    did = evaluation.estimates.get(aggregation="did", overall=True)
    assert did.ci_low <= EFFECT_JOBS <= did.ci_high
    naive = evaluation.estimates.get(aggregation="before_after")
    assert naive.estimate > did.ci_high
    assert FirmOutcome.objects.filter(operating=False).exists()  # closed firms stay in the panel
    # A second run adds nothing.
    again = StringIO()
    call_command("demo", smes=2000, seed=2, stdout=again)
    assert "Evaluated it" not in again.getvalue()
    assert Evaluation.objects.count() == 1
