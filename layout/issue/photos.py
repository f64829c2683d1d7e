"""Photos as the issue names them: checked when the issue is read (Pillow can decode the whole
file, it is no decompression bomb), and their resolution where placed, measured on the photo as
shown (a phone's portrait stored landscape with an EXIF orientation is taller than wide).

Converting them for press is the PDF stage's work (pdf/press.py); the crop they are placed with is
worked out here, once, for both.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import NamedTuple

# Pillow is imported where pixels are read, not here: a render whose photos are all in the disk
# cache (checked, pressed) never needs it, and its import is a tenth of a cold render's start-up.

MAX_PIXELS = 80_000_000          # larger than any press photo; more is a decompression bomb
EXIF_ORIENTATION = 0x0112
TURNED = {5, 6, 7, 8}            # orientations shown turned a quarter: width and height swap


def check_image(path: Path) -> str | None:
    """None if Pillow can read the whole image, else what is wrong with it.

    Decoding every pixel is the only sure test for a truncated file; an image whose exact bytes
    passed once is remembered in the disk cache and not decoded again."""
    import hashlib

    from ..base import diskcache

    try:
        digest = hashlib.sha256(path.read_bytes()).digest()
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    import PIL

    # v3: the size as shown; v4: in diskcache's envelope
    marker = f"v4/{digest.hex()[:32]}-{PIL.__version__}-{MAX_PIXELS}"
    entry = diskcache.read(diskcache.PHOTO_CHECKS, marker)
    if entry is not None:
        remembered = _remembered_size(entry)
        if remembered is not None:
            _CHECKED[path] = Checked(digest, remembered)
            return None
        diskcache.reject(diskcache.PHOTO_CHECKS, marker, "not a width and a height in pixels")
    problem, size = _decode_problem(path)
    if problem is None:
        _CHECKED[path] = Checked(digest, size)
        diskcache.write(diskcache.PHOTO_CHECKS, marker, f"{size[0]} {size[1]}".encode())
    return problem


def _remembered_size(entry: bytes) -> tuple[int, int] | None:
    """The size in pixels a check remembered ("width height"), or None if the entry holds something else."""
    try:
        width, height = (int(v) for v in entry.split())
    except ValueError:
        return None
    return (width, height) if width > 0 and height > 0 else None


class Checked(NamedTuple):
    digest: bytes                # SHA-256 of the file's bytes when it was checked
    size: tuple[int, int]        # pixels, as shown (after its EXIF orientation)


# The photos checked in this process, by path (each load of an issue checks its photos again):
# drawing a photo needs its content hash and its size, which the check has just found, so the
# file is neither hashed nor opened a second time.
_CHECKED: dict[Path, Checked] = {}


def content_digest(path: Path) -> bytes:
    """SHA-256 of a photo's bytes: from its check if it was checked in this process, else read now."""
    checked = _CHECKED.get(path)
    if checked is not None:
        return checked.digest
    import hashlib

    return hashlib.sha256(path.read_bytes()).digest()


def _decode_problem(path: Path) -> tuple[str | None, tuple[int, int]]:
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                if im.width * im.height > MAX_PIXELS:
                    return (f"{im.width} × {im.height} pixels is more than any page needs "
                            f"(limit {MAX_PIXELS:,})"), im.size
                im.load()
                return None, shown_size(im)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return "too many pixels (a decompression bomb?)", (0, 0)
    except UnidentifiedImageError:
        return "not an image Pillow can read", (0, 0)
    except (OSError, ValueError, SyntaxError) as exc:
        return f"damaged or truncated image ({exc})", (0, 0)


def shown_size(im) -> tuple[int, int]:
    """An opened image's width and height as shown: swapped where its EXIF orientation turns it a
    quarter (as press.py shows it, with Pillow's ImageOps.exif_transpose)."""
    if im.getexif().get(EXIF_ORIENTATION) in TURNED:
        return im.height, im.width
    return im.size


def crop_box(size: tuple[int, int], aspect: float, focus: tuple[float, float]) -> tuple[int, int, int, int]:
    """The largest box of the given aspect (width / height) that keeps the focus point as central as it can."""
    w, h = size
    if w / h > aspect:
        cw, ch = round(h * aspect), h
    else:
        cw, ch = w, round(w / aspect)
    left = min(max(0, round(focus[0] * w - cw / 2)), w - cw)
    top = min(max(0, round(focus[1] * h - ch / 2)), h - ch)
    return left, top, left + cw, top + ch


def effective_ppi(path: Path, width_pt: float, height_pt: float, focus: tuple[float, float]) -> float:
    """Pixels per inch of the photo where placed, as shown, after cropping to the frame's aspect."""
    checked = _CHECKED.get(path)
    if checked is not None:
        size = checked.size
    else:
        from PIL import Image

        with Image.open(path) as im:
            size = shown_size(im)
    left, top, right, bottom = crop_box(size, width_pt / height_pt, focus)
    return min((right - left) / (width_pt / 72), (bottom - top) / (height_pt / 72))
