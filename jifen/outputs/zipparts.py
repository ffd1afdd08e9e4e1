"""The zip of a workbook or document, laid out byte for byte as XlsxWriter's zipfile writes it.

Parts deflated beforehand (`pack`, or as they were written: fastsheet.Utf8Part) go in as
they are, so a part shared by many files is deflated once, and a big one is never held whole.
"""

from __future__ import annotations

import struct
import sys
import zipfile
import zlib


def deflater():
    """A raw deflate stream as zipfile makes one for ZIP_DEFLATED (so the archive's bytes are the same)."""
    return zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)


def pack(name: str, data: bytes) -> tuple:
    """A part deflated as zipfile does it."""
    z = deflater()
    return name, data, zlib.crc32(data), z.compress(data) + z.flush()


_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
_SYSTEM = 0 if sys.platform == "win32" else 3        # as zipfile.ZipInfo records it
_DOS_DATE = (0 << 9) | (1 << 5) | 1                   # 1980-01-01, the date xlsxwriter gives every part


def write_zip(parts: list) -> bytes:
    """A zip of (name, data) or packed parts (name, data or its size, CRC-32, deflated), laid
    out exactly as xlsxwriter's zipfile writes it."""
    out, central = [], []
    offset = 0
    for part in parts:
        name, data, crc, packed = part if len(part) == 4 else pack(*part)
        size = data if isinstance(data, int) else len(data)
        if max(size, len(packed), offset) >= 0xFFFFFFFF:
            raise ValueError(f"{name}: too large for a zip without ZIP64")
        raw = name.encode("utf-8")
        flags = 0 if raw.isascii() else 0x800
        header = _LOCAL.pack(b"PK\x03\x04", 20, 0, flags, zipfile.ZIP_DEFLATED, 0, _DOS_DATE, crc, len(packed),
                             size, len(raw), 0)
        out += [header, raw, packed]
        central.append(_CENTRAL.pack(b"PK\x01\x02", 20, _SYSTEM, 20, 0, flags, zipfile.ZIP_DEFLATED, 0, _DOS_DATE,
                                     crc, len(packed), size, len(raw), 0, 0, 0, 0, 0o600 << 16, offset) + raw)
        offset += len(header) + len(raw) + len(packed)
    directory = b"".join(central)
    end = _END.pack(b"PK\x05\x06", 0, 0, len(parts), len(parts), len(directory), offset, 0)
    return b"".join(out) + directory + end
