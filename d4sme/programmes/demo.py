"""Demonstration calls: the Korean programmes the demo manager runs are open for applications."""

from datetime import timedelta

from django.utils import timezone

from .models import Call
from .selectors import recommendable_programmes

DEMO_CALL_DAYS = 90


def demo_prepare(*, smes: int, seed: int) -> list[str]:
    """Open a call on each running programme of the demo manager's agency that has none.

    Ended and historical programmes, and those whose source states no eligibility, get none.
    """
    today = timezone.localdate()
    opened = []
    programmes = recommendable_programmes().filter(responsible__code__in=["kr-kosmo", "kr-mss"])
    for programme in programmes:
        if not programme.calls.exists():
            Call.objects.create(
                programme=programme,
                title=f"{programme.name}: demonstration call",
                opens_on=today,
                closes_on=today + timedelta(days=DEMO_CALL_DAYS),
            )
            opened.append(programme.name)
    return [f"Opened demonstration calls for: {', '.join(opened)}."] if opened else []
