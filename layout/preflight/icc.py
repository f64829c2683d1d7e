"""An ICC profile read as far as preflight needs: its header (size, version, class, colour space,
connection space, signature) and its tag table, and what makes it unusable as a PDF/X output profile.

Parsed, not sniffed: four bytes at offset 16 say CMYK in a profile cut off after its header too.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

HEADER = 128           # bytes before the tag count (ICC.1, 7.2)
TAG_ENTRY = 12         # signature, offset, size
# The tags a profile of its colour space needs to convert to and from the connection space
# (ICC.1 output profiles: N-component LUT-based, or monochrome by a grey TRC).
NEEDED_TAGS = {"CMYK": ({"desc", "wtpt", "A2B0", "B2A0"},), "GRAY": ({"desc", "wtpt", "kTRC"},
                                                                   {"desc", "wtpt", "A2B0", "B2A0"})}


@dataclass(frozen=True)
class IccProfile:
    length: int                  # bytes present
    size: int                    # bytes the header says the profile has
    version: tuple[int, int]     # major, minor
    device_class: str            # prtr (output), mntr, scnr, spac, …
    colour_space: str            # CMYK, GRAY, RGB, Lab …
    connection: str              # XYZ or Lab
    tags: tuple[str, ...]
    problems: tuple[str, ...]    # why it is no usable profile at all (truncated, no signature, …)


def _text(raw: bytes) -> str:
    return raw.decode("latin-1").strip()


def read_profile(data: bytes) -> IccProfile:
    length = len(data)
    if length < HEADER + 4:
        return IccProfile(length, 0, (0, 0), "", "", "", (),
                          (f"{length} bytes: too short for an ICC header and tag table",))
    size = struct.unpack(">I", data[:4])[0]
    problems = []
    if data[36:40] != b"acsp":
        problems.append("no 'acsp' signature at byte 36: not an ICC profile")
    count = struct.unpack(">I", data[HEADER:HEADER + 4])[0]
    end = HEADER + 4 + TAG_ENTRY * count
    present = min(size, length)
    tags, beyond = [], []
    if end > present:
        problems.append(f"its tag table ({count} tags) runs past the end of the profile")
    else:
        for at in range(HEADER + 4, end, TAG_ENTRY):
            signature, offset, tag_size = struct.unpack(">4sII", data[at:at + TAG_ENTRY])
            tags.append(_text(signature))
            if offset + tag_size > present:
                beyond.append(tags[-1])
    if size > length:
        problems.append(f"truncated: the header says {size} bytes, the stream holds {length}"
                        + (f"; {len(beyond)} of its {count} tags lie past the end" if beyond else ""))
    elif beyond:
        problems.append(f"tag '{beyond[0]}'" + (f" and {len(beyond) - 1} more" if len(beyond) > 1 else "")
                        + f" lie beyond the profile's {present} bytes")
    space = _text(data[16:20])
    if not problems and space in NEEDED_TAGS and not any(need <= set(tags) for need in NEEDED_TAGS[space]):
        missing = sorted(NEEDED_TAGS[space][0] - set(tags))
        problems.append(f"no {', '.join(missing)} tag: it cannot convert {space} colour")
    return IccProfile(length, size, (data[8], data[9] >> 4), _text(data[12:16]), space, _text(data[20:24]),
                      tuple(tags), tuple(problems))
