"""Photos converted for press.

Takes a photo as a newsroom sends it (JPEG, PNG, TIFF; RGB, CMYK or grey; 8 or 16 bits a sample; with or
without an embedded ICC profile, an EXIF orientation or transparency), where it is placed (size and
focus point) and the print settings (output and grey profiles, ink limit, max ppi). Hands on the photo
as shown (EXIF orientation), cropped to the frame around the focus point, no finer than max_ppi, and
converted from its own colours to the output condition: colour to CMYK through the output profile, its
total ink limited so that every pixel of the JPEG as decoded is within the ink limit; grey through the
grey profile, embedded as DeviceGray. The result (``PressImage``, a JPEG) is kept in the disk cache by
content; ``image_stream`` makes its image XObject.

Everything is done with Pillow and its ImageCms (LittleCMS); what goes into the PDF is CMYK or grey,
never RGB, never with an alpha channel.
"""

from __future__ import annotations

import hashlib
import io
import math
import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..base.errors import LayoutError
from ..base.paths import profile_bytes, profile_path
from ..issue.model import PrintSettings
from ..issue.photos import content_digest, crop_box
from .objects import Name, Stream

if TYPE_CHECKING:
    from PIL import Image

# Pillow is imported where pixels are read, not here: a render whose photos are all in the disk
# cache never needs it, and its import is a tenth of a cold render's start-up.

PRESS_VERSION = 2   # bump when the conversion below changes: old cached photos are then not used

JPEG_QUALITY = 92            # with no chroma subsampling: no visible loss at newsprint's screen
# Ink is limited this far under the limit before encoding (in 255ths of 100 %: 10 is 3.9 %), room for
# what JPEG's quantisation adds back; pixels that still come out over it get more room, block by block.
INK_MARGIN = 10
# The JPEG as decoded must stay this far under the limit (255ths of 100 %: one level a plate), so a RIP
# whose decoder rounds otherwise than Pillow's (libjpeg's) still finds no pixel over it.
DECODER_SLACK = 4
REFITS = 6                   # encodings with more room in the blocks found over, before the last resort
JPEG_BLOCK = 8               # JPEG's block: with no subsampling each 8 × 8 block is quantised on its own
SIXTEEN_BIT_MODES = ("I;16", "I;16L", "I;16B", "I;16N")


# --- from the file to the output colour space -------------------------------------------------------------

def press_image(path: Path, width_pt: float, height_pt: float, focus: tuple[float, float],
                printing: PrintSettings = PrintSettings()) -> tuple[Image.Image, float]:
    """The photo as shown, cropped to the frame's aspect, no finer than max_ppi at its placed size, in
    the output condition: "CMYK" through the output profile (total ink not yet limited) or "L" through
    the grey profile.

    Returns the image and its effective resolution (pixels per inch at the placed size)."""
    from PIL import Image

    with Image.open(path) as opened:
        opened.load()
        icc = opened.info.get("icc_profile")
        im = shown(opened)
    box = crop_box(im.size, width_pt / height_pt, focus)
    im = im.crop(box)
    ppi = im.width / (width_pt / 72)
    if ppi > printing.max_ppi:
        target = (max(1, round(width_pt / 72 * printing.max_ppi)), max(1, round(height_pt / 72 * printing.max_ppi)))
        im = im.resize(target, Image.Resampling.LANCZOS)
    return to_output(im, icc, printing), min(ppi, printing.max_ppi)


def shown(im: Image.Image) -> Image.Image:
    """The photo as a viewer shows it, in "RGB", "L" or "CMYK" with 8 bits a sample: EXIF orientation
    applied (to ``im`` itself: a copy of a 12-megapixel photo is 36 MB more), 16-bit and other wide
    samples scaled to 8 bits (not clipped), a palette expanded, transparency flattened onto white
    paper (the press has no alpha)."""
    from PIL import Image, ImageOps

    ImageOps.exif_transpose(im, in_place=True)
    if im.mode in SIXTEEN_BIT_MODES or im.mode in ("I", "F"):
        im = _eight_bit(im)
    elif im.mode == "1":
        im = im.convert("L")
    elif im.mode in ("P", "PA"):
        im = im.convert("RGBA" if im.mode == "PA" or "transparency" in im.info else "RGB")
    elif im.mode in ("L", "RGB") and "transparency" in im.info:     # a PNG's one transparent colour
        im = im.convert("LA" if im.mode == "L" else "RGBA")
    if im.mode in ("LA", "La", "RGBA", "RGBa"):
        grey = im.mode in ("LA", "La")
        rgba = im.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        im = Image.alpha_composite(paper, rgba).convert("L" if grey else "RGB")
    if im.mode not in ("RGB", "L", "CMYK"):
        im = im.convert("RGB")      # RGBX, YCbCr, HSV …: what Pillow can express as RGB
    return im


def _eight_bit(im: Image.Image) -> Image.Image:
    """A 16-bit, 32-bit or float grey image as 8 bits. Pillow's own conversion clips every sample over
    255 to white; this scales: 16-bit samples (I;16, and "I" images reaching past 255, as older
    Pillows read 16-bit PNGs) by 255/65535, floats in 0–1 (TIFF's convention) by 255."""
    if im.mode in SIXTEEN_BIT_MODES:
        scale = 255 / 65535
    else:
        top = im.getextrema()[1]
        if im.mode == "F" and top <= 1.0:
            scale = 255.0
        else:
            scale = 1.0 if top <= 255 else 255 / 65535
    return im.convert("F").point(lambda v: v * scale + 0.5).convert("L")   # + 0.5: the conversion truncates


def to_output(im: Image.Image, icc: bytes | None, printing: PrintSettings) -> Image.Image:
    """An image from ``shown`` in the output condition: "CMYK" through the output profile, "L" through
    the grey profile, from the photo's own embedded profile where it has one that fits its mode.

    Without one, RGB is taken as sRGB (what cameras and phones write) and grey as sRGB's neutral
    axis; CMYK is taken as already separated for the output condition and left as it is (its ink is
    limited afterwards) rather than guessed at through another press's profile."""
    from PIL import ImageCms

    source = icc if _embedded_space(icc) == {"RGB": "RGB", "L": "GRAY", "CMYK": "CMYK"}[im.mode] else None
    if im.mode == "L":
        if source is None:
            im, source_mode = im.convert("RGB"), "RGB"
        else:
            source_mode = "L"
        return ImageCms.applyTransform(im, _transform(source, source_mode, printing.grey_profile, "L"))
    if im.mode == "CMYK" and (source is None or _is_profile(source, printing.profile)):
        return im
    return ImageCms.applyTransform(im, _transform(source, im.mode, printing.profile, "CMYK"))


def _embedded_space(icc: bytes | None) -> str | None:
    """The colour space an embedded profile describes ("RGB", "GRAY", "CMYK"), None if there is none
    or LittleCMS cannot read it (a damaged profile is ignored: the photo is taken as untagged)."""
    from PIL import ImageCms

    if not icc:
        return None
    try:
        return ImageCms.ImageCmsProfile(io.BytesIO(icc)).profile.xcolor_space.strip()
    except (OSError, ValueError, ImageCms.PyCMSError):
        return None


def _is_profile(icc: bytes, name: str) -> bool:
    """Whether an embedded profile is the output profile itself (the same bytes, or the same
    description and size, as Photoshop embeds it): then the CMYK is already the press's."""
    from PIL import ImageCms

    ours = profile_bytes(name)
    if icc == ours:
        return True
    if len(icc) != len(ours):
        return False
    described = ImageCms.ImageCmsProfile(io.BytesIO(icc)).profile.profile_description
    return described == ImageCms.ImageCmsProfile(io.BytesIO(ours)).profile.profile_description


@lru_cache(maxsize=16)
def _transform(source: bytes | None, source_mode: str, target: str, target_mode: str):
    """A LittleCMS transform from the photo's profile (sRGB if None) to an output profile.

    Perceptual, not relative colorimetric: newsprint's black is at L* 42 of its paper's 100, and a
    colorimetric conversion clips everything darker — a third of an sRGB photo's tones, sRGB 0–100 —
    to one solid black. The output profile's perceptual tables (made by IFRA with its maximum GCR,
    C 59 M 45 Y 41 K 95 at the deepest) keep that shadow detail, at the cost of lightening mid-tones."""
    from PIL import ImageCms

    if source is None:
        origin = ImageCms.createProfile("sRGB")
    else:
        origin = ImageCms.ImageCmsProfile(io.BytesIO(source))
    return ImageCms.buildTransform(origin, ImageCms.getOpenProfile(str(profile_path(target))), source_mode, target_mode,
                                   renderingIntent=ImageCms.Intent.PERCEPTUAL)


# --- total ink --------------------------------------------------------------------------------------------

STRIP = 256                  # rows worked on at a time: a float band of a whole page-wide photo is 26 MB


def limit_ink(cmyk: Image.Image, limit: int, room: Image.Image | None = None) -> Image.Image:
    """Total area coverage limited as a press's separation does it: where C + M + Y + K is over
    ``limit`` (255ths of 100 % each plate, so 612 is 240 %), C, M and Y are scaled down together to
    bring the pixel to it, keeping their balance (the hue) and K (the image's shape and depth).
    ``room``, an "I" image of the same size, lowers the limit pixel by pixel."""
    from PIL import Image, ImageMath

    limited = Image.new("CMYK", cmyk.size)
    for top in range(0, cmyk.height, STRIP):
        box = (0, top, cmyk.width, min(cmyk.height, top + STRIP))
        c, m, y, k = cmyk.crop(box).split()
        allowed = Image.new("I", c.size, limit)
        if room is not None:
            allowed = ImageMath.lambda_eval(lambda a: a["allowed"] - a["room"], allowed=allowed, room=room.crop(box))
        factor = ImageMath.lambda_eval(
            lambda a: a["max"](a["min"](a["float"](a["allowed"] - a["k"]) / a["max"](a["c"] + a["m"] + a["y"], 1),
                                        1.0), 0.0),
            allowed=allowed, c=c, m=m, y=y, k=k)
        # The conversion to 8 bits truncates, so a scaled pixel is never over its limit by rounding.
        scaled = [ImageMath.lambda_eval(lambda a: a["convert"](a["float"](a["p"]) * a["f"], "L"), p=p, f=factor)
                  for p in (c, m, y)]
        limited.paste(Image.merge("CMYK", (*scaled, k)), box[:2])
    return limited


def total_ink(cmyk: Image.Image) -> Image.Image:
    """C + M + Y + K of every pixel, an "I" image in 255ths of 100 %."""
    from PIL import ImageMath

    c, m, y, k = cmyk.split()
    return ImageMath.lambda_eval(lambda a: a["c"] + a["m"] + a["y"] + a["k"], c=c, m=m, y=y, k=k)


def _encode(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, subsampling=0, optimize=True)
    return out.getvalue()


def _blocks_over(data: bytes, limit: int) -> dict[tuple[int, int], int]:
    """The 8 × 8 blocks of a CMYK JPEG, decoded, with a pixel over ``limit``: block → how far over."""
    from PIL import Image, ImageMath

    found = {}
    with Image.open(io.BytesIO(data)) as decoded:    # Pillow undoes Adobe's inverted CMYK (APP14)
        decoded.load()
        columns = math.ceil(decoded.width / JPEG_BLOCK)
        for top in range(0, decoded.height, STRIP):    # STRIP is whole blocks
            total = total_ink(decoded.crop((0, top, decoded.width, min(decoded.height, top + STRIP))))
            if total.getextrema()[1] <= limit:
                continue
            over = ImageMath.lambda_eval(lambda a: a["convert"](a["max"](a["t"] - limit, 0), "L"), t=total)
            marked = Image.new("L", (columns * JPEG_BLOCK, math.ceil(total.height / JPEG_BLOCK) * JPEG_BLOCK))
            marked.paste(over.point(lambda v: 255 if v else 0), (0, 0))
            # A block's mean of 0/255 marks is at least 255/64 where any pixel is marked.
            for i in (i for i, v in enumerate(marked.reduce(JPEG_BLOCK).tobytes()) if v):
                bx, by = i % columns, i // columns
                # A block past the image's edge is cropped padded with zeros: its maximum is its own.
                left, row = bx * JPEG_BLOCK, by * JPEG_BLOCK
                excess = over.crop((left, row, left + JPEG_BLOCK, row + JPEG_BLOCK)).getextrema()[1]
                found[bx, top // JPEG_BLOCK + by] = excess
    return found


def _room_image(size: tuple[int, int], room: dict[tuple[int, int], int]) -> Image.Image:
    """Per-block room as a per-pixel "I" image."""
    from PIL import Image

    columns, rows = math.ceil(size[0] / JPEG_BLOCK), math.ceil(size[1] / JPEG_BLOCK)
    blocks = Image.new("I", (columns, rows))
    for (bx, by), levels in room.items():
        blocks.putpixel((bx, by), levels)
    return blocks.resize((columns * JPEG_BLOCK, rows * JPEG_BLOCK), Image.Resampling.NEAREST).crop((0, 0, *size))


def jpeg_within_limit(cmyk: Image.Image, ink_limit: float) -> bytes:
    """A CMYK JPEG of the image whose every pixel, decoded, is within ``ink_limit`` (percent).

    Ink is limited INK_MARGIN under the limit and the JPEG encoded and decoded again; the 8 × 8 blocks
    that still come out over it (quantisation ringing at hard edges next to the deepest shadows) are
    given that much more room and the image encoded again, up to REFITS times. Blocks are quantised
    independently, so no other block changes. As a last resort a block still over keeps only its K:
    a block of a plate that is all zero decodes to exactly zero, so that block carries no more than
    100 %, within any ink limit a press uses. A JPEG over the limit is never handed on."""
    limit = math.floor(ink_limit * 255 / 100 + 1e-9) - DECODER_SLACK
    target = limit - INK_MARGIN
    room: dict[tuple[int, int], int] = {}
    for refit in range(REFITS + 2):
        data = _encode(limit_ink(cmyk, target, _room_image(cmyk.size, room) if room else None))
        over = _blocks_over(data, limit)
        if not over:
            return data
        if refit < REFITS:
            for block, excess in over.items():
                room[block] = room.get(block, 0) + excess + INK_MARGIN
        else:
            room.update({block: 3 * 255 for block in over})
    raise LayoutError(f"a photo's JPEG stays over {ink_limit:g} % ink after limiting it; please report this photo")


# --- the pressed photo, cached ----------------------------------------------------------------------------

@dataclass(frozen=True)
class PressImage:
    data: bytes          # JPEG
    width: int
    height: int
    grey: bool


@lru_cache(maxsize=4)
def _profile_digest(profile: str) -> bytes:
    return hashlib.sha256(profile_bytes(profile)).digest()


def pressed_photo(path: Path, w: float, h: float, focus, printing: PrintSettings) -> PressImage:
    """A photo converted for press, as JPEG (DCTDecode: a fifth of the size of the same pixels
    deflated). Kept on disk, keyed by the photo's bytes and everything the conversion depends on;
    each page is drawn once, and its page file and the issue file share what it holds."""
    import PIL

    from ..base import diskcache

    key = hashlib.sha256(content_digest(path))
    key.update(repr((round(w, 4), round(h, 4), tuple(focus), printing.max_ppi, printing.ink_limit, PRESS_VERSION,
                     PIL.__version__)).encode())
    key.update(_profile_digest(printing.profile))
    key.update(_profile_digest(printing.grey_profile))
    name = f"{key.hexdigest()[:32]}.press"   # .press, not .jpg: its size comes first, then the JPEG
    cached = diskcache.read(diskcache.PRESSED_PHOTOS, name)
    if cached is not None:
        try:
            return _unpacked(cached)
        except (ValueError, struct.error) as exc:
            diskcache.reject(diskcache.PRESSED_PHOTOS, name, str(exc))
    image, _ = press_image(path, w, h, focus, printing)
    if image.mode == "L":     # grey: one plate, never over any ink limit of 100 % or more
        data = _encode(image)
    else:
        data = jpeg_within_limit(image, printing.ink_limit)
    pressed = PressImage(data, image.width, image.height, image.mode == "L")
    diskcache.write(diskcache.PRESSED_PHOTOS, name, PRESSED_HEADER.pack(pressed.width, pressed.height, pressed.grey)
                    + pressed.data)
    return pressed


# A pressed photo on disk: width and height in pixels, 1 if grey (else 0), three bytes of padding; the JPEG.
PRESSED_HEADER = struct.Struct(">IIB3x")
_JPEG_START, _JPEG_END = b"\xff\xd8", b"\xff\xd9"
# Start-of-frame markers (SOF0–SOF15 but DHT, JPG and DAC): precision, height, width, components follow.
_JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_JPEG_FRAME = struct.Struct(">BHHB")


def _unpacked(entry: bytes) -> PressImage:
    """A pressed photo read back from the disk cache, its JPEG's frame header checked against the size
    and colour stored with it, without Pillow (a render from the cache never imports it)."""
    if len(entry) < PRESSED_HEADER.size + len(_JPEG_START) + len(_JPEG_END):
        raise ValueError("too short for a pressed photo")
    width, height, grey = PRESSED_HEADER.unpack_from(entry)
    data = entry[PRESSED_HEADER.size:]
    if not (data.startswith(_JPEG_START) and data.endswith(_JPEG_END)):
        raise ValueError("not a whole JPEG")
    if grey > 1 or _jpeg_frame(data) != (width, height, 1 if grey else 4):
        raise ValueError("its JPEG is not the size or colour stored with it")
    return PressImage(data, width, height, grey == 1)


def _jpeg_frame(data: bytes) -> tuple[int, int, int] | None:
    """A JPEG's width, height and number of components, from its frame header; None if it has none."""
    at = len(_JPEG_START)
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:        # fill byte before a marker
            at += 1
            continue
        if marker in _JPEG_FRAMES:
            if at + 4 + _JPEG_FRAME.size > len(data):
                return None
            _, height, width, components = _JPEG_FRAME.unpack_from(data, at + 4)
            return width, height, components
        at += 2 + int.from_bytes(data[at + 2:at + 4], "big")   # the segment's length counts itself
    return None


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
