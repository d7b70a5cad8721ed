"""Programmes built for tests: published, with one instrument and the given eligibility."""

from datetime import date, timedelta

import pytest

from d4sme.programmes.models import Call, CurationStatus, Instrument, Programme
from d4sme.programmes.services import search_text_of
from d4sme.registry.models import Economy, Organisation, Role, Term
from d4sme.registry.services import membership_grant
from tests.conftest import make_user


def make_programme(
    code: str,
    *,
    economy: str | None = "KR",
    responsible: str | None = "kr-kosmo",
    rules: dict | None = None,
    published: bool = True,
    **fields,
) -> Programme:
    programme = Programme(
        code=code,
        name=fields.pop("name", code.replace("-", " ").title()),
        economy=Economy.objects.get(code=economy) if economy else None,
        responsible=Organisation.objects.get(code=responsible) if responsible else None,
        eligibility=rules or {},
        curation_status=CurationStatus.PUBLISHED if published else CurationStatus.DRAFT,
        **fields,
    )
    programme.search_text = search_text_of(programme)
    programme.save()
    kind = Term.objects.filter(vocabulary_id="stip-instrument-types").exclude(parent=None).first()
    Instrument.objects.create(programme=programme, code="main", name="Support", type=kind)
    return programme


def open_call(programme: Programme) -> Call:
    today = date.today()
    return Call.objects.create(
        programme=programme,
        title=f"{programme.name} call",
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=30),
    )


@pytest.fixture
def programme_world(world):
    """A published Korean programme for micro and small manufacturers, its manager and a call."""
    programme = make_programme(
        "kr-smart-test",
        name="Smart Factory Test",
        rules={"size_classes": ["micro", "small"], "sections": ["C"]},
    )
    world.programme = programme
    world.call = open_call(programme)
    return world


@pytest.fixture
def other_manager(world):
    user = make_user("other-manager@example.org")
    membership_grant(
        user=user, organisation=Organisation.objects.get(code="kr-mss"), role=Role.PROGRAMME_MANAGER
    )
    return user
