"""The vocabulary of the generated authorisation test: actors, outcomes, policies, endpoints.

Apps declare who may use their endpoints in ``tests/<app>/policies.py`` with these words:
``PAGES`` and ``API`` (name -> Endpoint), and optionally ``world(world)``, which adds the
objects their endpoints need to the shared access world. ``tests/test_authorisation.py``
collects every such module, so a new app's endpoints are checked for every actor.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

ACTORS = ("anonymous", "sme_a", "sme_b", "manager", "focal", "analyst", "admin")

OK, LOGIN, DENIED, NOT_FOUND, NOT_ALLOWED = "ok", "login", "denied", "not-found", "not-allowed"
# A request this actor may make but whose content cannot be accepted from them (422).
REFUSED = "refused"
EVERYONE = dict.fromkeys(ACTORS, OK)
SIGNED_IN = {**EVERYONE, "anonymous": LOGIN}
MEMBERS_OF_A = {**dict.fromkeys(ACTORS, DENIED), "anonymous": LOGIN, "sme_a": OK, "admin": OK}
STAFF_ONLY = {**dict.fromkeys(ACTORS, LOGIN), "admin": OK}
ANALYSTS = {**dict.fromkeys(ACTORS, DENIED), "anonymous": LOGIN, "analyst": OK, "admin": OK}
MANAGERS = {**dict.fromkeys(ACTORS, DENIED), "anonymous": LOGIN, "manager": OK, "admin": OK}
SIGNED_IN_API = {**EVERYONE, "anonymous": LOGIN}
# A case study's draft: its author, the analysts who moderate and administrators.
OWN_DRAFT = {**dict.fromkeys(ACTORS, NOT_FOUND), "sme_a": OK, "analyst": OK, "admin": OK}
MODERATE = {**dict.fromkeys(ACTORS, NOT_FOUND), "sme_a": DENIED, "analyst": OK, "admin": OK}
# A firm's assessment: its members and administrators; to anyone else it does not exist.
# An economy's report: its focal points, the analysts who review it and administrators.
OWN_REPORT = {
    **dict.fromkeys(ACTORS, NOT_FOUND),
    "anonymous": LOGIN,
    "focal": OK,
    "analyst": OK,
    "admin": OK,
}
REPORTERS = {
    **dict.fromkeys(ACTORS, DENIED),
    "anonymous": LOGIN,
    "focal": OK,
    "analyst": OK,
    "admin": OK,
}
OWN_RESPONSE = {**dict.fromkeys(ACTORS, NOT_FOUND), "anonymous": LOGIN, "sme_a": OK, "admin": OK}
# A PDF render job: only the user who asked for it (here sme_a) sees it, not even administrators.
OWN_JOB = {**dict.fromkeys(ACTORS, NOT_FOUND), "anonymous": LOGIN, "sme_a": OK}


@dataclass(frozen=True)
class Endpoint:
    method: str
    url: Callable  # (world) -> path
    expect: dict[str, str]
    data: Callable = field(default=lambda world: {})  # (world) -> request body
