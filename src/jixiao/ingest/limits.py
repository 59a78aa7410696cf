"""Sizes the readers refuse beyond, and the unit they are counted in.

Messages show sizes in MB counted as MiB (1 MB = 1 048 576 bytes), as file managers on
Windows do; the web app's upload limits (settings ``IMPORT_MAX_BYTES``, ``EVIDENCE_MAX_BYTES``)
use the same unit.
"""

from __future__ import annotations

#: Bytes in one MB as messages count it (a mebibyte).
MiB = 1024 * 1024
#: Files larger than this are refused before parsing.
MAX_FILE_BYTES = 20 * MiB
#: An .xlsx may not unpack to more than this: guards against zip bombs.
MAX_UNPACKED_BYTES = 100 * MiB
#: A member of an .xlsx above this size unpacked is examined for its compression ratio.
SUSPECT_BYTES = 10 * MiB
