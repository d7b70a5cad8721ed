"""Who may do what with official statistics, declared as django-rules predicates."""

import rules

from d4sme.registry.models import Role
from d4sme.registry.rules import is_administrator
from d4sme.registry.selectors import membership_exists


@rules.predicate
def is_analyst(user) -> bool:
    return bool(user and user.is_authenticated) and membership_exists(user=user, role=Role.ANALYST)


can_curate = is_analyst | is_administrator
# Analysts bring official statistics in, save mappings and put series beside indicators.
rules.add_perm("exchange.import_statistics", can_curate)
rules.add_perm("exchange.change_mapping", can_curate)
rules.add_perm("exchange.link_indicator", can_curate)
# Published official statistics are open data.
rules.add_perm("exchange.view_dataset", rules.always_allow)
# Peer instances and their keys: administrators.
rules.add_perm("exchange.manage_peers", is_administrator)
