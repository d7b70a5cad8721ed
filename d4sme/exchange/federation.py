"""Instances exchanging aggregates: peers registered with a shared key, signed SDMX-CSV 2.0
submissions, validation on receipt with a machine-readable report, and each accepted
submission replacing its whole partitions (dataflow, economy, period), so that a value
withdrawn at home disappears here too.

The national instance writes its aggregates with the catalogue's SDMX-CSV writer (which
has already withheld small cells), signs the body with HMAC-SHA256 under the shared key
and posts it with :func:`submission_send`; the regional instance checks the signature and
the content in :func:`submission_receive` and stores the observations as an official
dataset of publisher D4SME named after the dataflow.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import urllib.request
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from d4sme.registry.selectors import economy_get

from .importing import map_table
from .models import WITHHELD, OfficialDataset, OfficialObservation, OfficialSeries, Peer, Receipt
from .reading import ReadError, read_sdmx_csv

PEER_HEADER = "X-D4SME-Peer"
SIGNATURE_HEADER = "X-D4SME-Signature"
AGENCY = "D4SME"
# Statuses a submission must give every cell: F (free) or one that withholds it.
CONF_GIVEN = {"F", *WITHHELD}


def sign(body: bytes, key: str) -> str:
    """Return the signature of a submission's body under the peers' shared key."""
    return "sha256=" + hmac.new(key.encode(), body, hashlib.sha256).hexdigest()


@transaction.atomic
def peer_register(
    *, user, code: str, name: str, url: str = "", economy: str = ""
) -> tuple[Peer, str]:
    """Register a peer instance and return it with its new shared key (shown once)."""
    if not user.has_perm("exchange.manage_peers"):
        raise PermissionDenied(_("Administrators register peer instances."))
    if economy and economy_get(code=economy.upper()) is None:
        raise ValidationError(_("“%(code)s” is not an ISO alpha-2 code.") % {"code": economy})
    key = secrets.token_urlsafe(32)
    peer = Peer(code=code, name=name, url=url, economy=economy.upper(), key=key, created_by=user)
    peer.full_clean()
    peer.save()
    return peer, key


def _authentic(peer_code: str, signature: str, body: bytes) -> Peer:
    peer = Peer.objects.filter(code=peer_code, is_active=True).first()
    if peer is None or not signature:
        raise PermissionDenied(_("The submission is unsigned or from no registered peer."))
    if not hmac.compare_digest(sign(body, peer.key), signature):
        raise PermissionDenied(_("The signature does not match: the submission was altered."))
    return peer


@dataclass
class Outcome:
    accepted: bool
    report: dict


def _dataflow_code(structure_id: str) -> str:
    match = re.fullmatch(r"(?:[^:]+:)?(?P<id>[A-Za-z0-9_@$\-]+)(\(.*\))?", structure_id or "")
    return match["id"].lower() if match else ""


def submission_receive(*, peer_code: str, signature: str, body: bytes) -> Outcome:
    """Check a peer's signed submission and, if it is sound, replace its partitions; return
    the report to send back. Raise PermissionDenied for an unsigned or altered one."""
    peer = _authentic(peer_code, signature, body)
    problems: list[str] = []
    table = None
    try:
        table = read_sdmx_csv(body.decode("utf-8-sig"))
    except (ReadError, UnicodeDecodeError) as exc:
        problems.extend(getattr(exc, "messages", [str(exc)]))
    mapped = map_table(table, {}) if table is not None else None
    dataflow = _dataflow_code(table.structure_id) if table is not None else ""
    partitions: set[tuple[str, str]] = set()
    if mapped is not None:
        problems.extend(mapped.problems)
        if not dataflow:
            problems.append(_("STRUCTURE_ID must name the dataflow."))
        if not mapped.area:
            problems.append(_("The submission has no area dimension (REF_AREA, geo, economy)."))
        existing = OfficialDataset.objects.filter(agency=AGENCY, code=dataflow).first()
        if existing and existing.dimensions and existing.dimensions != mapped.dimensions:
            problems.append(
                _("The dimensions %(got)s are not the dataflow's %(want)s.")
                % {"got": ", ".join(mapped.dimensions), "want": ", ".join(existing.dimensions)}
            )
        area_at = mapped.dimensions.index(mapped.area) if mapped.area else None
        keys = list(mapped.series)
        for index, period, value, _flag, conf in mapped.observations:
            key = keys[index]
            area = key[area_at] if area_at is not None else ""
            where = f"{'.'.join(key)} {period}"
            if peer.economy and area != peer.economy:
                problems.append(
                    _("%(where)s: %(peer)s reports for %(economy)s, not %(area)s.")
                    % {"where": where, "peer": peer.code, "economy": peer.economy, "area": area}
                )
            elif area and economy_get(code=area) is None:
                problems.append(
                    _("%(where)s: “%(area)s” is no economy.") % {"where": where, "area": area}
                )
            if conf not in CONF_GIVEN:
                problems.append(
                    _("%(where)s: CONF_STATUS is mandatory (F, or C when withheld).")
                    % {"where": where}
                )
            if value is None and conf not in WITHHELD and not _flag:
                problems.append(
                    _("%(where)s: an empty value needs a flag or a withholding status.")
                    % {"where": where}
                )
            partitions.add((area, period))
    payload_hash = hashlib.sha256(body).hexdigest()
    if problems or mapped is None:
        report = {"status": "refused", "dataflow": dataflow, "problems": problems}
        Receipt.objects.create(peer=peer, payload_hash=payload_hash, accepted=False, report=report)
        return Outcome(False, report)
    with transaction.atomic():
        replaced = _replace(peer, dataflow, table, mapped, partitions)
        report = {
            "status": "accepted",
            "dataflow": dataflow,
            "partitions": [{"economy": a, "period": p} for a, p in sorted(partitions)],
            "observations": len(mapped.observations),
            "replaced": replaced,
            "problems": [],
        }
        Receipt.objects.create(peer=peer, payload_hash=payload_hash, accepted=True, report=report)
    return Outcome(True, report)


def _replace(peer: Peer, dataflow: str, table, mapped, partitions: set[tuple[str, str]]) -> int:
    """Delete the partitions' observations and write the submission's; return how many went."""
    dataset, _created = OfficialDataset.objects.get_or_create(
        agency=AGENCY, code=dataflow, defaults={"name": table.name or dataflow}
    )
    dataset.dimensions, dataset.area_dimension = mapped.dimensions, mapped.area
    dataset.source = _("Sent by %(peer)s") % {"peer": peer.name}
    dataset.file_format, dataset.imported_at = "sdmx-csv", timezone.now()
    dataset.save()
    replaced = 0
    for area, period in partitions:
        replaced += OfficialObservation.objects.filter(
            series__dataset=dataset, series__area=area, period=period
        ).delete()[0]
    area_at = mapped.dimensions.index(mapped.area)
    series_ids = {}
    for key in mapped.series:
        series, _new = OfficialSeries.objects.get_or_create(
            dataset=dataset,
            key_text=".".join(key),
            defaults={"key": dict(zip(mapped.dimensions, key, strict=True)), "area": key[area_at]},
        )
        series_ids[key] = series.pk
    keys = list(mapped.series)
    OfficialObservation.objects.bulk_create(
        OfficialObservation(
            series_id=series_ids[keys[index]],
            period=period,
            value=value,
            obs_flag=flag,
            conf_status=conf,
        )
        for index, period, value, flag, conf in mapped.observations
    )
    return replaced


def submission_send(*, peer: Peer, as_code: str, body: bytes, timeout: float = 30) -> dict:
    """Post a signed submission to the peer's instance, where this one is registered as
    ``as_code``, and return its report."""
    import json

    request = urllib.request.Request(
        peer.url.rstrip("/") + "/exchange/federation/submissions/",
        data=body,
        method="POST",
        headers={
            "Content-Type": "text/csv",
            PEER_HEADER: as_code,
            SIGNATURE_HEADER: sign(body, peer.key),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return json.loads(exc.read() or b"{}") | {"http_status": exc.code}
