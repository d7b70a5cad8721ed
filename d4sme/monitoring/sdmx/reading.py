"""Reading a data message, whichever its format."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .codes import (
    Observation,
    SdmxError,
)
from .csv_reading import read_csv
from .xml_reading import read_structure, read_xml


def read(data: bytes, *, structure: bytes | None = None) -> list[Observation]:
    """Observations of an SDMX-ML 2.1 data message or an SDMX-CSV 1.0 / 2.0 file.

    ``structure`` is an SDMX-ML 2.1 structure message holding the data's DSD; structure-
    specific data need it to tell dimensions from attributes (without it, sdmx1 guesses),
    and with it SDMX-CSV columns are classified by the DSD rather than by their position
    (before OBS_VALUE: dimensions; after: attributes). Raises SdmxError, and nothing else.
    """
    if isinstance(data, str):
        data = data.encode()
    try:
        dsd = read_structure(structure) if structure else None
        start = data.lstrip(b"\xef\xbb\xbf \t\r\n")
        if start.startswith(b"<"):
            return read_xml(data, dsd)
        if start.startswith((b"{", b"[")):
            raise SdmxError(_("SDMX-JSON is not supported; send SDMX-ML or SDMX-CSV."))
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SdmxError(
                _("This is not an SDMX data message: it is neither XML nor UTF-8 text.")
            ) from exc
        return read_csv(text, dsd)
    except SdmxError:
        raise
    except Exception as exc:  # the libraries raise anything on bad input
        raise SdmxError(_("The SDMX message cannot be read: %(error)s") % {"error": exc}) from exc
