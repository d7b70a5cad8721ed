"""An economy reports a year: values, checks, the review workflow, locking and the audit trail."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from d4sme.core.content import ContentError
from d4sme.monitoring import content, selectors
from d4sme.monitoring.models import (
    Flag,
    Objective,
    PriorityArea,
    Submission,
    SubmissionStatus,
    Value,
)
from d4sme.monitoring.services import submission_move, values_save

from .conftest import entry, focal_point, mark_the_rest, report

pytestmark = pytest.mark.django_db


def test_the_apec_plan_is_loaded_whole(plan):
    areas = list(PriorityArea.objects.filter(framework=plan).values_list("number", "name"))
    assert [n for n, _ in areas] == [1, 2, 3, 4, 5]
    assert areas[2][1] == "Inclusive capability development towards digitalization"
    objectives = Objective.objects.filter(priority_area__framework=plan)
    assert objectives.count() == 14
    assert objectives.get(code="3.1").name == "Improve business skills in the digital economy"
    indicators = plan.indicators.all()
    assert indicators.get(code="3.1.2").name == "No. of SMEs trained in digital skills"
    general = indicators.filter(objectives__isnull=True)
    assert general.count() == 6
    assert set(general.values_list("group", flat=True)) == {
        "APEC Initiatives and Activities",
        "APEC Supported Activities",
        "Best Practice Sharing",
        "Dialogue with Partners",
    }
    # Every objective has at least one indicator.
    assert not objectives.filter(indicators__isnull=True).exists()
    assert list(plan.cycles.order_by("period").values_list("period", flat=True)) == [
        2021,
        2022,
        2023,
        2024,
    ]
    assert [(r["kind"], r["year"]) for r in plan.review_schedule] == [
        ("midterm", 2022),
        ("final", 2024),
    ]
    assert plan.economies.members.count() == 21


def test_loading_again_changes_nothing(plan):
    out = io.StringIO()
    call_command("load_content", stdout=out)
    assert "indicators" not in out.getvalue()


def test_a_malformed_plan_is_refused_with_its_place(plan, tmp_path):
    bad = tmp_path / "plan.yaml"
    bad.write_text(
        "framework: {code: x, name: X, version: '1', economies: apec, start_year: 2021, end_year: 2022}\n"
        "priority_areas:\n  - number: 1\n    name: A\n    objectives:\n      - code: '1.1'\n"
        "        name: O\n        indicators:\n          - {code: '1', name: I, measure: speed}\n"
    )
    with pytest.raises(ContentError, match=r"indicators\[0\]\.measure: 'speed'"):
        content.framework_load(bad, content.Tally())


def test_a_focal_point_reports_its_own_economy_only(plan, focal):
    kr = report(plan)
    assert values_save(submission=kr, user=focal, entries=[entry(plan, "3.1.2", 120)]) == 1
    value = Value.objects.get(submission=kr)
    assert (value.economy_id, value.period, value.value) == ("KR", 2022, 120)
    br = report(plan, economy="BR")
    with pytest.raises(PermissionDenied):
        values_save(submission=br, user=focal, entries=[entry(plan, "3.1.2", 5)])
    assert not br.values.exists()


def test_bad_values_are_refused_together_and_nothing_is_written(plan, focal):
    kr = report(plan)
    with pytest.raises(ValidationError) as caught:
        values_save(
            submission=kr,
            user=focal,
            entries=[
                entry(plan, "3.1.2", 10),  # fine on its own
                entry(plan, "2.1.1", 120),  # a percentage above 100
                entry(plan, "1.4.2", 3),  # qualitative: words, not a number
                entry(plan, "1.1.2", 4, flag=Flag.NOT_AVAILABLE),  # not available, yet a value
                entry(plan, "G.1", comment="Pending"),  # a comment, but no value or status
                entry(plan, "3.1.2", 7, dimension="sex", category="unknown"),
            ],
        )
    messages = caught.value.messages
    assert "indicator 2.1.1: 120 is above the highest valid value, 100." in messages
    assert "indicator 1.4.2: this indicator is qualitative: describe it in words." in messages
    assert any(m.startswith("indicator 1.1.2: a value marked not available") for m in messages)
    assert "indicator G.1: enter a number, or mark it not available." in messages
    assert any("“unknown” is not a category" in m for m in messages)
    assert not kr.values.exists()


def test_a_total_must_equal_its_complete_breakdown(plan, focal):
    kr = report(plan)
    parts = [
        entry(plan, "3.1.2", 60, dimension="sex", category="female"),
        entry(plan, "3.1.2", 50, dimension="sex", category="male"),
    ]
    with pytest.raises(
        ValidationError, match=r"100 is not the sum of its breakdown by Owner's sex \(110\)"
    ):
        values_save(submission=kr, user=focal, entries=[entry(plan, "3.1.2", 100), *parts])
    values_save(submission=kr, user=focal, entries=[entry(plan, "3.1.2", 110), *parts])
    # A partial breakdown may not exceed the total either, even when stored earlier.
    with pytest.raises(ValidationError, match="below the sum of its breakdown by Firm size class"):
        values_save(
            submission=kr,
            user=focal,
            entries=[entry(plan, "3.1.2", 120, dimension="size", category="micro")],
        )


def test_an_outlier_against_the_economys_history_needs_a_comment(plan, focal, analyst):
    for year, value in ((2021, 100), (2022, 104), (2023, 98)):
        submission = report(plan, year)
        values_save(submission=submission, user=focal, entries=[entry(plan, "3.1.2", value)])
    kr = report(plan, 2024)
    with pytest.raises(ValidationError, match="far from this economy's earlier values"):
        values_save(submission=kr, user=focal, entries=[entry(plan, "3.1.2", 900)])
    values_save(
        submission=kr,
        user=focal,
        entries=[entry(plan, "3.1.2", 900, comment="A national programme started in 2024.")],
    )
    # A value within the usual range needs none.
    values_save(submission=kr, user=focal, entries=[entry(plan, "3.2.2", 40)])


def test_the_report_goes_through_review_and_approval_locks_it(plan, focal, analyst):
    kr = report(plan)
    values_save(
        submission=kr,
        user=focal,
        entries=[entry(plan, "3.1.2", 120), entry(plan, "3.2.2", 40, comment="Survey")],
    )
    mark_the_rest(kr, focal)
    with pytest.raises(PermissionDenied):
        submission_move(submission=kr, user=analyst, to=SubmissionStatus.SUBMITTED)
    submission_move(submission=kr, user=focal, to=SubmissionStatus.SUBMITTED)
    with pytest.raises(PermissionDenied, match="with the analysts"):
        values_save(submission=kr, user=focal, entries=[entry(plan, "3.1.2", 121)])
    with pytest.raises(PermissionDenied):
        submission_move(submission=kr, user=focal, to=SubmissionStatus.APPROVED)
    with pytest.raises(ValidationError, match="Say what to correct"):
        submission_move(submission=kr, user=analyst, to=SubmissionStatus.RETURNED)
    questioned = kr.values.get(indicator__code="3.1.2")
    submission_move(
        submission=kr,
        user=analyst,
        to=SubmissionStatus.RETURNED,
        value_notes={questioned.pk: "The survey says 102."},
    )
    questioned.refresh_from_db()
    assert questioned.review_note == "The survey says 102."
    values_save(submission=kr, user=focal, entries=[entry(plan, "3.1.2", 102)])
    questioned.refresh_from_db()
    assert (questioned.value, questioned.review_note) == (102, "")
    submission_move(submission=kr, user=focal, to=SubmissionStatus.SUBMITTED)
    submission_move(submission=kr, user=analyst, to=SubmissionStatus.APPROVED, note="Thank you.")
    kr.refresh_from_db()
    assert kr.status == SubmissionStatus.APPROVED and kr.approved_at is not None
    with pytest.raises(PermissionDenied, match="locked"):
        values_save(submission=kr, user=focal, entries=[entry(plan, "3.1.2", 103)])
    with pytest.raises(ValidationError, match="cannot go from “Approved”"):
        submission_move(submission=kr, user=analyst, to=SubmissionStatus.RETURNED, note="x")
    assert [(e.from_status, e.to_status, e.by) for e in kr.events.all()] == [
        ("draft", "submitted", focal),
        ("submitted", "returned", analyst),
        ("returned", "submitted", focal),
        ("submitted", "approved", analyst),
    ]


def test_every_change_is_audited_with_who_and_the_old_and_new_value(plan, focal, analyst):
    kr = report(plan)
    values_save(submission=kr, user=focal, entries=[entry(plan, "3.1.2", 120)])
    values_save(submission=kr, user=focal, entries=[entry(plan, "3.1.2", 125, comment="Revised")])
    values_save(submission=kr, user=focal, entries=[entry(plan, "3.1.2")])  # removed
    changes = selectors.audit_of(kr)
    assert [c["kind"] for c in changes] == ["Deleted", "Changed", "Created"]
    assert all(c["by"] == focal for c in changes)
    revised = {f["field"]: (f["old"], f["new"]) for f in changes[1]["fields"]}
    assert revised["value"] == ("120", "125")
    assert revised["comment"] == ("", "Revised")
    assert {f["field"]: f["new"] for f in changes[2]["fields"]}["value"] == "120"


def test_completeness_and_timeliness_per_economy(plan, focal):
    kr = report(plan)
    values_save(
        submission=kr,
        user=focal,
        entries=[
            entry(plan, "3.1.2", 120),
            entry(plan, "1.4.2", text="A social enterprise act passed."),
            entry(plan, "5.1.2", flag=Flag.NOT_APPLICABLE),
            entry(plan, "4.2.5", flag=Flag.NOT_AVAILABLE),
        ],
    )
    mark_the_rest(kr, focal)
    submission_move(submission=kr, user=focal, to=SubmissionStatus.SUBMITTED)
    kr.refresh_from_db()
    rows = {row.economy.code: row for row in selectors.completeness(kr.cycle)}
    assert len(rows) == 21
    total = plan.indicators.count()
    assert (rows["KR"].reported, rows["KR"].not_applicable) == (2, 1)
    assert rows["KR"].rate == round(100 * 2 / (total - 1), 1)
    # The 2022 cycle closed on 31 March 2023; submitting now is late.
    assert rows["KR"].on_time is False
    assert rows["JP"].submission is None and rows["JP"].rate == 0


def test_a_second_focal_point_of_the_same_economy_shares_the_report(plan, focal):
    colleague = focal_point("colleague@example.org")
    kr = report(plan)
    values_save(submission=kr, user=colleague, entries=[entry(plan, "3.1.2", 10)])
    values_save(submission=kr, user=focal, entries=[entry(plan, "3.1.2", 11)])
    assert Submission.objects.get(pk=kr.pk).values.get().value == 11


def test_a_year_is_reported_once_its_cycle_opens(plan, focal):
    import datetime

    from d4sme.monitoring.models import ReportingCycle
    from d4sme.monitoring.services import submission_for
    from d4sme.registry.models import Economy

    future = ReportingCycle.objects.create(
        framework=plan,
        period=2099,
        opens_on=datetime.date(2100, 1, 15),
        closes_on=datetime.date(2100, 3, 31),
    )
    with pytest.raises(PermissionDenied, match="Reporting on 2099 opens on"):
        submission_for(cycle=future, economy=Economy.objects.get(code="KR"))
    assert not Submission.objects.filter(cycle=future).exists()
