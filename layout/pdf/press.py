"""Photos converted for press: cropped to the frame around the focus point, no finer than the print
settings ask, converted through the output profile to CMYK (or kept grey), JPEG-encoded, and kept
in the disk cache by content.

RGB input is accepted; what goes into the PDF is CMYK or grey converted with Pillow's ImageCms,
never RGB, never with an alpha channel.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..base.paths import profile_bytes, profile_path
from ..issue.photos import content_digest, crop_box
from .objects import Name, Stream

if TYPE_CHECKING:
    from PIL import Image

# Pillow is imported where pixels are read, not here: a render whose photos are all in the disk
# cache never needs it, and its import is a tenth of a cold render's start-up.

DEFAULT_PROFILE = "ISOnewspaper26v4.icc"


@cache
def _transform(mode: str, profile: str):
    from PIL import ImageCms

    srgb = ImageCms.createProfile("sRGB")
    target = ImageCms.getOpenProfile(str(profile_path(profile)))
    return ImageCms.buildTransform(srgb, target, mode, "CMYK", renderingIntent=ImageCms.Intent.PERCEPTUAL)


def press_image(path: Path, width_pt: float, height_pt: float, focus: tuple[float, float],
                max_ppi: float = 300.0, profile: str = DEFAULT_PROFILE) -> tuple[Image.Image, float]:
    """The photo cropped to the frame's aspect, no finer than max_ppi at its placed size, in CMYK.

    Returns the image and its effective resolution (pixels per inch at the placed size)."""
    from PIL import Image, ImageCms

    with Image.open(path) as im:
        im.load()
        grey = im.mode in ("1", "L", "LA", "I", "I;16", "F")
        if im.mode in ("RGBA", "LA", "P", "PA"):
            # Flatten any transparency onto white paper: the press has no alpha.
            rgba = im.convert("RGBA")
            background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
            im = Image.alpha_composite(background, rgba).convert("L" if grey else "RGB")
        elif grey:
            im = im.convert("L")
        elif im.mode != "CMYK":
            im = im.convert("RGB")
        box = crop_box(im.size, width_pt / height_pt, focus)
        im = im.crop(box)
        ppi = im.width / (width_pt / 72)
        if ppi > max_ppi:
            target = (max(1, round(width_pt / 72 * max_ppi)), max(1, round(height_pt / 72 * max_ppi)))
            im = im.resize(target, Image.LANCZOS)
        if im.mode == "RGB":
            im = ImageCms.applyTransform(im, _transform("RGB", profile))
        return im, min(ppi, max_ppi)


@dataclass(frozen=True)
class PressImage:
    data: bytes          # JPEG
    width: int
    height: int
    grey: bool


PRESS_VERSION = 1   # bump when the conversion below changes: old cached photos are then not used


@lru_cache(maxsize=4)
def _profile_digest(profile: str) -> bytes:
    return hashlib.sha256(profile_bytes(profile)).digest()


def pressed_photo(path: Path, w: float, h: float, focus, max_ppi: float, profile: str) -> PressImage:
    """A photo converted for press, as JPEG (DCTDecode: a fifth of the size of the same pixels
    deflated). Kept on disk, keyed by the photo's bytes and everything the conversion depends on;
    each page is drawn once, and its page file and the issue file share what it holds."""
    import PIL

    from ..base import diskcache

    key = hashlib.sha256(content_digest(path))
    key.update(repr((round(w, 4), round(h, 4), tuple(focus), max_ppi, PRESS_VERSION, PIL.__version__)).encode())
    key.update(_profile_digest(profile))
    name = f"{key.hexdigest()[:32]}.jpg"
    cached = diskcache.read(diskcache.PRESSED_PHOTOS, name)
    if cached is not None and len(cached) > 12:
        width, height, grey = int.from_bytes(cached[:4], "big"), int.from_bytes(cached[4:8], "big"), cached[8] == 1
        return PressImage(cached[12:], width, height, grey)
    image, _ = press_image(path, w, h, focus, max_ppi, profile)
    data = io.BytesIO()
    image.save(data, "JPEG", quality=92, subsampling=0, optimize=True)
    pressed = PressImage(data.getvalue(), image.width, image.height, image.mode == "L")
    header = pressed.width.to_bytes(4, "big") + pressed.height.to_bytes(4, "big") + bytes([pressed.grey, 0, 0, 0])
    diskcache.write(diskcache.PRESSED_PHOTOS, name, header + pressed.data)
    return pressed


@lru_cache(maxsize=4)
def image_stream(image: PressImage) -> Stream:
    entries = {"Type": Name("XObject"), "Subtype": Name("Image"), "Width": image.width, "Height": image.height,
               "BitsPerComponent": 8, "Filter": Name("DCTDecode")}
    if image.grey:
        entries["ColorSpace"] = Name("DeviceGray")
    else:
        # Pillow writes CMYK JPEGs inverted, as Adobe's do (APP14): Decode turns them back.
        entries["ColorSpace"] = Name("DeviceCMYK")
        entries["Decode"] = [1, 0, 1, 0, 1, 0, 1, 0]
    return Stream(image.data, entries)


