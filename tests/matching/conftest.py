"""Firms, assessments and programmes for the matching tests."""

import pytest

from d4sme.assessments.models import Instrument
from tests.assessments.conftest import random_answers, take
from tests.conftest import make_sme, make_user


def assess(user, organisation, maturity: float = 0.2, seed: int = 3):
    """Submit a DMA assessment of ``organisation`` at the given maturity."""
    version = Instrument.objects.get(pk="dma-sme").current_version()
    return take(user, organisation, version, random_answers(version.parsed, seed, maturity))


@pytest.fixture
def baker(content):
    """A Korean micro bakery (ISIC 10, six employees) and its owner."""
    owner = make_user("baker@example.org")
    firm = make_sme(owner, "Seoul Micro Bakery", isic_division="10", employees=6, founded_year=2015)
    return owner, firm
