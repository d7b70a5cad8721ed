"""The assessment instruments that ship with d4sme, loaded from ``content/instruments/``.

``d4sme load-content`` loads every file there; ``d4sme load-instrument FILE`` loads one more.
A version that has responses never changes: a changed file must carry a new version number.
"""

from pathlib import Path

from d4sme.core.content import ContentError, Tally, read_yaml, upsert
from d4sme.registry.selectors import vocabulary_terms

from .instruments import InstrumentError, parse
from .models import Instrument, InstrumentVersion

INSTRUMENTS_DIR = Path(__file__).resolve().parent / "content" / "instruments"


def instrument_load(path: Path, tally: Tally) -> InstrumentVersion:
    """Validate one instrument file and store it as a version; raise ContentError if malformed."""
    raw = read_yaml(path)
    try:
        definition = parse(raw)
    except InstrumentError as exc:
        raise ContentError(f"{path.name}: " + "; ".join(exc.problems)) from exc
    barriers = {term.code for term in vocabulary_terms(vocabulary="barriers")}
    unknown = sorted({rule.barrier for rule in definition.rules} - barriers)
    if unknown:
        raise ContentError(
            f"{path.name}: rules name barriers missing from the barriers vocabulary: "
            + ", ".join(unknown)
        )
    instrument = upsert(
        Instrument,
        {"code": definition.code},
        {"name": definition.name, "description": definition.description},
        tally,
        "instruments",
    )
    version = InstrumentVersion.objects.filter(
        instrument=instrument, number=definition.version
    ).first()
    if version is None:
        tally["instrument versions created"] += 1
        return InstrumentVersion.objects.create(
            instrument=instrument,
            number=definition.version,
            definition=raw,
            checksum=definition.checksum,
        )
    if version.checksum != definition.checksum:
        if version.responses.exists():
            raise ContentError(
                f"{path.name}: version {definition.version} of {definition.code} has responses "
                "and cannot change; give the changed file a new version number"
            )
        version.definition, version.checksum = raw, definition.checksum
        version.save(update_fields=["definition", "checksum"])
        tally["instrument versions updated"] += 1
    return version


def content_load() -> Tally:
    tally = Tally()
    for path in sorted(INSTRUMENTS_DIR.glob("*.yaml")):
        instrument_load(path, tally)
    return tally
