"""A national instance sends its aggregates to a regional one: signed SDMX-CSV 2.0, each
submission replacing its whole partitions, validated on receipt with a report."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from d4sme.exchange import catalogue, federation
from d4sme.exchange.models import OfficialObservation, Receipt
from tests.conftest import make_sme, make_user

HEADER = "STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA,size_class,TIME_PERIOD,OBS_VALUE,CONF_STATUS\r\n"


def body(*rows: str) -> bytes:
    return (HEADER + "".join(f"dataflow,D4SME:SME_COUNTS(1.0),I,{r}\r\n" for r in rows)).encode()


@pytest.fixture
def admin(content):
    user = make_user("fed-admin@example.org")
    user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def korea(admin):
    peer, key = federation.peer_register(
        user=admin, code="kr-national", name="Korea's instance", economy="KR"
    )
    return peer, key


def send(client, peer_code: str, key: str, payload: bytes, signature: str | None = None):
    return client.post(
        reverse("exchange:federation-receive"),
        payload,
        content_type="text/csv",
        headers={
            federation.PEER_HEADER: peer_code,
            federation.SIGNATURE_HEADER: signature
            if signature is not None
            else federation.sign(payload, key),
        },
    )


def stored() -> dict:
    return {
        (o.series.area, o.series.key["size_class"], o.period): (o.value, o.conf_status)
        for o in OfficialObservation.objects.filter(
            series__dataset__code="sme_counts"
        ).select_related("series")
    }


def test_a_signed_submission_is_accepted_with_a_report(client, korea):
    peer, key = korea
    response = send(client, peer.code, key, body("KR,micro,2024,120,F", "KR,small,2024,,C"))
    assert response.status_code == 200
    report = response.json()
    assert report["status"] == "accepted"
    assert report["partitions"] == [{"economy": "KR", "period": "2024"}]
    assert report["observations"] == 2
    assert stored() == {("KR", "micro", "2024"): (120.0, "F"), ("KR", "small", "2024"): (None, "C")}


def test_a_new_submission_replaces_the_whole_partition_so_a_withdrawn_value_disappears(
    client, korea
):
    peer, key = korea
    send(
        client,
        peer.code,
        key,
        body("KR,micro,2024,120,F", "KR,small,2024,40,F", "KR,micro,2023,100,F"),
    )
    response = send(client, peer.code, key, body("KR,micro,2024,125,F"))
    assert response.json()["replaced"] == 2
    # small 2024 was withdrawn at home; 2023 is another partition and stays.
    assert stored() == {
        ("KR", "micro", "2024"): (125.0, "F"),
        ("KR", "micro", "2023"): (100.0, "F"),
    }


def test_a_tampered_or_unsigned_payload_is_refused(client, korea):
    peer, key = korea
    payload = body("KR,micro,2024,120,F")
    signature = federation.sign(payload, key)
    tampered = payload.replace(b"120", b"999")
    assert send(client, peer.code, key, tampered, signature=signature).status_code == 403
    assert send(client, peer.code, key, payload, signature="").status_code == 403
    assert send(client, "nobody", key, payload).status_code == 403
    assert (
        send(client, peer.code, "another key", payload, federation.sign(payload, "x")).status_code
        == 403
    )
    assert not stored()


def test_validation_reports_every_problem_and_changes_nothing(client, korea):
    peer, key = korea
    payload = body(
        "JP,micro,2024,10,F",  # another economy's partition
        "KR,micro,2024,11,F",
        "KR,micro,2024,12,F",  # the same key twice
        "KR,small,2024,5,",  # no suppression status
        "KR,medium,2024,7,C",  # withheld but given
    )
    response = send(client, peer.code, key, payload)
    assert response.status_code == 422
    problems = "\n".join(response.json()["problems"])
    assert "reports for KR, not JP" in problems
    assert "second value" in problems
    assert "CONF_STATUS is mandatory" in problems
    assert "confidential" in problems
    assert not stored()
    assert Receipt.objects.get().accepted is False


def test_suppression_holds_from_the_national_catalogue_to_the_region(client, korea):
    """The national instance's own writer withholds small counts before anything leaves."""
    peer, key = korea
    owner = make_user("owner@example.org")
    for n in range(2):
        make_sme(owner, f"Small group {n}", "KR", employees=60)
    for n in range(6):
        make_sme(owner, f"Micro firm {n}", "KR", employees=3)
    national = [e for e in catalogue.catalogue_entries() if e.slug == "registered-smes"][0]
    payload = catalogue.as_sdmx_csv(national)
    kr_only = b"\r\n".join(
        line for line in payload.split(b"\r\n") if line.startswith(b"STRUCTURE") or b",KR," in line
    )
    response = send(client, peer.code, key, kr_only)
    assert response.status_code == 200, response.json()
    medium = OfficialObservation.objects.get(
        series__dataset__code="registered_smes", series__key__size_class="medium"
    )
    assert (medium.value, medium.conf_status) == (None, "C")


def test_only_administrators_register_peers(content):
    with pytest.raises(PermissionDenied):
        federation.peer_register(user=make_user("x@example.org"), code="p", name="P")


def test_peers_page_and_api_show_the_key_once(client, admin):
    client.force_login(admin)
    response = client.post(
        "/api/v1/exchange/peers",
        {"code": "apec-regional", "name": "APEC regional", "url": "https://apec.example.org"},
        content_type="application/json",
    )
    assert response.status_code == 201
    key = response.json()["key"]
    assert len(key) >= 40
    listed = client.get("/api/v1/exchange/peers").json()
    assert listed[0]["code"] == "apec-regional" and "key" not in listed[0]
    assert key not in client.get(reverse("exchange:peer-list")).content.decode()
