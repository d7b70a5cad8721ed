"""The JSON API under /api/v1/: each app contributes a router."""

from d4sme.assessments.api import router as assessments_router
from d4sme.casestudies.api import router as casestudies_router
from d4sme.core.api import API, install_error_handlers
from d4sme.evaluation.api import router as evaluation_router
from d4sme.exchange.api import router as exchange_router
from d4sme.matching.api import router as matching_router
from d4sme.monitoring.api import router as monitoring_router
from d4sme.programmes.api import router as programmes_router
from d4sme.registry.api import router as registry_router

api = API(
    title="d4sme API",
    version="1",
    description="Economies, organisations, vocabularies, support programmes, assessments, case studies, KPI monitoring, matching, programme evaluation and data exchange of d4sme.",
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("/", registry_router)
api.add_router("/", programmes_router)
api.add_router("/", assessments_router)
api.add_router("/", casestudies_router)
api.add_router("/", monitoring_router)
api.add_router("/", matching_router)
api.add_router("/", evaluation_router)
api.add_router("/", exchange_router)
