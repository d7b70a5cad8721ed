"""Named extension points, so that apps contribute to one another without importing each other.

An app that offers an extension point names it here and calls :func:`hook_results`; an app that
fills it registers a function in its ``AppConfig.ready``. Peers (assessments and case studies)
meet only here, and core knows no app: a hook is a name and a calling convention.
"""

from collections import defaultdict
from collections.abc import Callable
from typing import Any

# Sections added to an SME's assessment report, after its barriers and next steps:
# ``panel(report, request) -> str`` (HTML, or "" to add nothing).
ASSESSMENT_REPORT_PANELS = "assessment-report-panels"
# The barriers a firm's latest submitted assessment diagnosed:
# ``provider(organisation) -> set[str]`` of barrier term codes.
ORGANISATION_BARRIERS = "organisation-barriers"
# What other apps know about a firm, shown to those deciding on its application (its latest
# maturity score, the barriers it diagnosed): ``provider(organisation) -> list[tuple[str, str]]``
# of (label, value) in the active language.
ORGANISATION_FACTS = "organisation-facts"
# Sections added to a framework indicator's page, after the economies' values:
# ``panel(indicator, request) -> str`` (HTML, or "" to add nothing).
INDICATOR_PAGE_PANELS = "indicator-page-panels"
# Sections added to the signed-in visitor's home page, after their organisations:
# ``panel(request) -> str`` (HTML, or "" to add nothing).
HOME_PANELS = "home-panels"
# The page that answers "Programmes for your firm" when an app offers a fuller one than the
# programme registry's list: ``page(request) -> HttpResponse`` (or None to keep the list).
FIRM_PROGRAMMES_PAGE = "firm-programmes-page"

# Sections added to a programme's page, after its profile (e.g. its latest approved impact
# evaluation): ``panel(programme, request) -> str`` (HTML, or "" to add nothing).
PROGRAMME_PAGE_PANELS = "programme-page-panels"

_registry: dict[str, list[Callable]] = defaultdict(list)


def hook_register(name: str, function: Callable) -> Callable:
    """Add ``function`` to the extension point ``name`` (once); return it, to use as a decorator."""
    if function not in _registry[name]:
        _registry[name].append(function)
    return function


def hook_results(name: str, *args: Any, **kwargs: Any) -> list[Any]:
    """Return what each function registered under ``name`` gives for the arguments, if truthy."""
    return [result for function in _registry[name] if (result := function(*args, **kwargs))]
