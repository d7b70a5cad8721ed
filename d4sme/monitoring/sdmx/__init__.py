"""SDMX input and output for strategic-plan indicators, on plain data.

One module per part: ``codes`` (records, component ids, plan codes as SDMX ids, rows back),
``writing``, ``xml_reading`` and ``csv_reading``, and ``reading`` which picks a reader.

Reads data messages published elsewhere or sent back by economies, and writes a plan's
structure and its reported values, without touching the database:

- ``read(data, structure=None)`` reads SDMX-ML 2.1 data (generic or structure-specific, with
  sdmx1) and SDMX-CSV 1.0 / 2.0 (with the csv module: pysdmx's CSV reader needs its ``data``
  extra, pyarrow, and sdmx1 reads only SDMX-CSV 2.x and only with a structure), into
  ``Observation`` records. Anything else raises ``SdmxError`` with a message fit for a user.
- ``structure_message(structure)`` writes the plan's codelists, concepts, data structure and
  dataflow as an SDMX-ML 2.1 structure message, built from sdmx1's model classes.
- ``data_message`` / ``data_csv`` write reported values as SDMX-ML 2.1 structure-specific
  data (sdmx1) or SDMX-CSV 1.0; ``rows_from`` maps observations of such a message back.

Plan codes such as "1.1.1" are not SDMX ids (which allow only ``[A-Za-z0-9_@$-]``):
``sdmx_code`` maps them to ids such as "I1_1_1" and ``plan_code`` maps them back.
"""

from .codes import FLAGS, Observation, Row, SdmxError, Structure, plan_code, rows_from, sdmx_code
from .reading import read
from .writing import data_csv, data_message, structure_message

__all__ = [
    "FLAGS",
    "Observation",
    "Row",
    "SdmxError",
    "Structure",
    "data_csv",
    "data_message",
    "plan_code",
    "read",
    "rows_from",
    "sdmx_code",
    "structure_message",
]
