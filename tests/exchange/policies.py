"""Who may use the exchange app's endpoints (collected by tests/test_authorisation.py)."""

import base64

from django.urls import reverse

from tests.access import ACTORS, ANALYSTS, DENIED, EVERYONE, LOGIN, OK, Endpoint

# Peer instances and their keys: administrators only.
ADMINS = {**dict.fromkeys(ACTORS, DENIED), "anonymous": LOGIN, "admin": OK}
# A submission is authenticated by its signature, never by a session: unsigned, it is refused.
SIGNED_ONLY = dict.fromkeys(ACTORS, DENIED)

SDMX_CSV = (
    b"DATAFLOW,freq,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG,CONF_STATUS\r\n"
    b"ESTAT:TEST(1.0),A,EU27_2020,2024,12.5,,\r\n"
)


def world(world) -> None:
    """An official dataset with a value and a confidential cell."""
    from d4sme.exchange.models import OfficialDataset, OfficialObservation, OfficialSeries

    world.official = OfficialDataset.objects.create(
        agency="ESTAT",
        code="access_test",
        name="Access test",
        dimensions=["freq", "geo"],
        area_dimension="geo",
    )
    series = OfficialSeries.objects.create(
        dataset=world.official, key={"freq": "A", "geo": "DE"}, key_text="A.DE", area="DE"
    )
    OfficialObservation.objects.create(series=series, period="2023", value=40.0)
    OfficialObservation.objects.create(series=series, period="2024", conf_status="C")


PAGES = {
    "exchange:statistics": Endpoint("GET", lambda w: reverse("exchange:statistics"), EVERYONE),
    "exchange:statistics-import": Endpoint(
        "GET", lambda w: reverse("exchange:statistics-import"), ANALYSTS
    ),
    "exchange:mapping-list": Endpoint("GET", lambda w: reverse("exchange:mapping-list"), ANALYSTS),
    "exchange:dataset": Endpoint(
        "GET", lambda w: reverse("exchange:dataset", args=[w.official.pk]), EVERYONE
    ),
    "exchange:catalogue": Endpoint("GET", lambda w: reverse("exchange:catalogue"), EVERYONE),
    "exchange:catalogue-dcat": Endpoint(
        "GET", lambda w: reverse("exchange:catalogue-dcat"), EVERYONE
    ),
    "exchange:catalogue-download": Endpoint(
        "GET",
        lambda w: reverse("exchange:catalogue-download", args=[f"official-{w.official.pk}", "csv"]),
        EVERYONE,
    ),
    "exchange:peer-list": Endpoint("GET", lambda w: reverse("exchange:peer-list"), ADMINS),
    "exchange:federation-receive": Endpoint(
        "POST", lambda w: reverse("exchange:federation-receive"), SIGNED_ONLY
    ),
    "exchange:framework-new": Endpoint(
        "GET", lambda w: reverse("exchange:framework-new"), ANALYSTS
    ),
    "exchange:link-new": Endpoint(
        "POST",
        lambda w: reverse("exchange:link-new", args=[w.official.pk]),
        ANALYSTS,
        lambda w: {"framework": w.plan.code, "indicator": "3.1.2", "select": "geo=DE"},
    ),
}

API = {
    "GET /api/v1/exchange/catalogue": Endpoint(
        "GET", lambda w: "/api/v1/exchange/catalogue", EVERYONE
    ),
    "GET /api/v1/exchange/datasets": Endpoint(
        "GET", lambda w: "/api/v1/exchange/datasets", EVERYONE
    ),
    "GET /api/v1/exchange/datasets/{pk}": Endpoint(
        "GET", lambda w: f"/api/v1/exchange/datasets/{w.official.pk}", EVERYONE
    ),
    "GET /api/v1/exchange/datasets/{pk}/observations": Endpoint(
        "GET",
        lambda w: f"/api/v1/exchange/datasets/{w.official.pk}/observations?select=geo=DE",
        EVERYONE,
    ),
    "POST /api/v1/exchange/imports": Endpoint(
        "POST",
        lambda w: "/api/v1/exchange/imports",
        ANALYSTS,
        lambda w: {
            "file_name": "test.csv",
            "content_base64": base64.b64encode(SDMX_CSV).decode(),
        },
    ),
    "GET /api/v1/exchange/mappings": Endpoint(
        "GET", lambda w: "/api/v1/exchange/mappings", ANALYSTS
    ),
    "PUT /api/v1/exchange/mappings": Endpoint(
        "PUT",
        lambda w: "/api/v1/exchange/mappings",
        ANALYSTS,
        lambda w: {"name": "Access", "spec": {"codes": {"geo": {"Germany": "DE"}}}},
    ),
    "POST /api/v1/exchange/links": Endpoint(
        "POST",
        lambda w: "/api/v1/exchange/links",
        ANALYSTS,
        lambda w: {
            "framework": w.plan.code,
            "indicator": "3.1.2",
            "dataset": w.official.pk,
            "select": {"geo": "DE"},
        },
    ),
    "POST /api/v1/exchange/frameworks": Endpoint(
        "POST",
        lambda w: "/api/v1/exchange/frameworks",
        ANALYSTS,
        lambda w: {
            "code": "access-plan",
            "name": "Access plan",
            "start_year": 2024,
            "end_year": 2025,
            "grouping": "apec",
            "breakdowns": [
                {"code": "size_emp", "name": "Size", "categories": {"GE10": "10 or more"}}
            ],
            "indicators": [{"code": "1", "name": "Cloud", "breakdowns": ["size_emp"]}],
        },
    ),
    "GET /api/v1/exchange/peers": Endpoint("GET", lambda w: "/api/v1/exchange/peers", ADMINS),
    "POST /api/v1/exchange/peers": Endpoint(
        "POST",
        lambda w: "/api/v1/exchange/peers",
        ADMINS,
        lambda w: {"code": "kr-national", "name": "Korea", "economy": "KR"},
    ),
}
