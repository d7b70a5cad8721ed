"""Analysts create frameworks from a page and the API: indicators, units, breakdown dimensions
with code lists, economies or groupings, and periods."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from d4sme.monitoring.models import Framework
from d4sme.monitoring.services import Entry, submission_for, values_check, values_save
from d4sme.registry.models import Economy
from tests.conftest import make_user

SIZES = {
    "10-49": "From 10 to 49 persons employed",
    "50-249": "From 50 to 249 persons employed",
    "GE250": "250 persons employed or more",
    "10-249": "From 10 to 249 persons employed",
    "GE10": "10 persons employed or more",
}
DIGITAL_DECADE = {
    "code": "eu-dd-sme",
    "name": "EU Digital Decade: SMEs",
    "start_year": 2021,
    "end_year": 2025,
    "grouping": "eu27_2020",
    "breakdowns": [{"code": "size_emp", "name": "Size class", "categories": SIZES}],
    "indicators": [
        {
            "code": "E_CC",
            "name": "Enterprises buying cloud computing services",
            "unit": "% of enterprises",
            "measure": "percentage",
            "breakdowns": ["size_emp"],
        },
        {"code": "E_DI3_GELO", "name": "At least a basic digital intensity", "unit": "%"},
    ],
}


def test_an_analyst_creates_a_framework_through_the_api(client, analyst):
    client.force_login(analyst)
    response = client.post(
        "/api/v1/exchange/frameworks", DIGITAL_DECADE, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["years"] == [2021, 2022, 2023, 2024, 2025]
    assert body["economies"] == "eu27_2020"
    assert body["breakdowns"] == {"size_emp": list(SIZES)}
    framework = Framework.objects.get(code="eu-dd-sme")
    members = set(framework.economies.members.values_list("code", flat=True))
    assert len(members) == 27 and {"GR", "HR", "MT"} <= members and "GB" not in members
    assert framework.cycles.count() == 5
    assert framework.indicators.get(code="E_CC").unit == "% of enterprises"


def test_values_by_overlapping_size_classes_are_accepted_and_unknown_ones_refused(analyst):
    from d4sme.exchange.frameworks import framework_from

    framework = framework_from(user=analyst, **DIGITAL_DECADE)
    admin = make_user("root@example.org")
    admin.is_superuser = True
    admin.save()
    cycle = framework.cycles.get(period=2023)
    report = submission_for(cycle=cycle, economy=Economy.objects.get(code="DE"))
    cloud = framework.indicators.get(code="E_CC")
    entries = [
        Entry(indicator=cloud, value=47.0),
        Entry(indicator=cloud, dimension="size_emp", category="10-49", value=43.34),
        Entry(indicator=cloud, dimension="size_emp", category="GE250", value=77.6),
        Entry(indicator=cloud, dimension="size_emp", category="10-249", value=45.97),
    ]
    values_save(submission=report, user=admin, entries=entries)
    assert report.values.filter(dimension="size_emp").count() == 3
    problems = values_check(
        report, [Entry(indicator=cloud, dimension="size_emp", category="XL", value=1.0)]
    ).by_row()
    assert any("“XL” is not a category" in m and "GE250" in m for _row, m in problems), problems


def test_a_new_grouping_with_its_members_and_the_page(client, analyst):
    client.force_login(analyst)
    response = client.post(
        reverse("exchange:framework-new"),
        {
            "code": "nordic-plan",
            "name": "Nordic SME plan",
            "version": "1.0",
            "start_year": 2024,
            "end_year": 2026,
            "grouping": "nordic",
            "grouping_name": "Nordic countries",
            "members": "DK:1952, FI:1955, IS, NO, SE",
            "breakdowns": "sizecls | Size | 10-49=Small; 50-249=Medium | additive",
            "indicators": "1 | Firms selling online | % of firms | percentage | sizecls",
        },
    )
    assert response.status_code == 302, response.content.decode().split("<main")[-1][:3000]
    framework = Framework.objects.get(code="nordic-plan")
    assert framework.economies.name == "Nordic countries"
    assert framework.economies.economygroupmembership_set.get(economy_id="FI").joined == 1955
    assert framework.breakdowns.get().additive


def test_problems_are_listed_and_nothing_is_created(client, analyst):
    client.force_login(analyst)
    bad = {
        **DIGITAL_DECADE,
        "breakdowns": [{"code": "Size-Emp", "name": "x", "categories": {}}],
        "indicators": [
            {"code": "A", "name": "a", "breakdowns": ["nace"]},
            {"code": "A", "name": "again", "measure": "vibes"},
        ],
    }
    response = client.post("/api/v1/exchange/frameworks", bad, content_type="application/json")
    assert response.status_code == 422
    text = str(response.json()["detail"])
    for words in ("Size-Emp", "code list", "no breakdown nace", "defined twice", "the measure"):
        assert words in text
    assert not Framework.objects.filter(code="eu-dd-sme").exists()


def test_only_analysts_create_frameworks(client, content):
    client.force_login(make_user("firm@example.org"))
    response = client.post(
        "/api/v1/exchange/frameworks", DIGITAL_DECADE, content_type="application/json"
    )
    assert response.status_code == 403
    assert client.get(reverse("exchange:framework-new")).status_code == 403
    from django.core.exceptions import PermissionDenied

    from d4sme.exchange.frameworks import framework_from

    with pytest.raises(PermissionDenied):
        framework_from(user=make_user("other@example.org"), **DIGITAL_DECADE)


def test_an_unknown_grouping_without_members_is_refused(analyst):
    from d4sme.exchange.frameworks import framework_from

    with pytest.raises(ValidationError, match="no grouping"):
        framework_from(user=analyst, **{**DIGITAL_DECADE, "grouping": "nowhere"})
