"""Photos as they come from a newsroom, made with Pillow alone for tests/test_photos.py.

Each maker takes a folder and writes one file there, returning its path: a dark scene with clipped
shadows and highlights, skin tones, a night shot, a greyscale scan on textured paper, a CMYK JPEG at
300–400 % ink, an Adobe RGB (1998) photo carrying its ICC profile, a phone portrait stored landscape
with EXIF orientation 6, and 16-bit greyscale and RGB PNGs. All are 600 × 400 pixels (the portrait
400 × 600 as shown) and deterministic: noise comes from a seeded generator, never from Pillow's own.
"""

from __future__ import annotations

import random
import struct
import zlib
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter

W, H = 600, 400
ORIENTATION_TAG = 0x0112        # EXIF Orientation; 6: the stored image is shown turned 90° clockwise
MARKER_RGB = (230, 20, 30)      # the red disk that marks the top of the phone portrait as shown


def noise(size: tuple[int, int], seed: int, amplitude: int) -> Image.Image:
    """Uniform noise in 128 ± amplitude ("L"), the same for the same seed on every machine."""
    data = random.Random(seed).randbytes(size[0] * size[1])
    low, span = 128 - amplitude, 2 * amplitude + 1
    return Image.frombytes("L", size, data).point(lambda v: low + v * span // 256)


def grainy(image: Image.Image, seed: int, amplitude: int) -> Image.Image:
    """Sensor grain: independent noise in every band (luminance and colour noise, as a camera's)."""
    bands = [ImageChops.add(band, noise(image.size, seed + i, amplitude), 1.0, -128)
             for i, band in enumerate(image.split())]
    return Image.merge(image.mode, bands)


def levels(image: Image.Image, black: int, white: int) -> Image.Image:
    """A levels adjustment: below ``black`` is pure 0, above ``white`` pure 255 (clipped)."""
    return image.point(lambda v: min(255, max(0, round((v - black) * 255 / (white - black)))))


def vertical_gradient(size, top: tuple, bottom: tuple) -> Image.Image:
    """A vertical blend between two RGB colours (two pixels tall, scaled: smooth and quick)."""
    ramp = Image.new("RGB", (1, 2))
    ramp.putpixel((0, 0), top)
    ramp.putpixel((0, 1), bottom)
    return ramp.resize(size, Image.Resampling.BILINEAR)


def glow(draw: ImageDraw.ImageDraw, centre, radius: int, colour, steps: int = 12) -> None:
    """A light with a halo: concentric disks brightening towards the centre."""
    x, y = centre
    for i in range(steps, 0, -1):
        r = radius * i / steps
        t = (steps - i + 1) / steps
        draw.ellipse([x - r, y - r, x + r, y + r], fill=tuple(round(c * t * t) for c in colour))


def dark_clipped_scene(folder: Path) -> Path:
    """Dusk over a dark street after a levels adjustment: large areas of pure RGB 0 and 255, hard
    edges between them (where JPEG rings most), gradients, grain and saturated dark colours."""
    image = vertical_gradient((W, H), (30, 40, 80), (255, 230, 190))
    d = ImageDraw.Draw(image)
    d.ellipse([400, 60, 520, 180], fill=(255, 255, 240))                      # the sun, clipped
    d.polygon([(0, H), (0, 190), (140, 150), (260, 210), (380, 170), (600, 230), (600, H)], fill=(12, 10, 14))
    for x in range(40, 560, 70):                                              # lit windows in black walls
        d.rectangle([x, 270, x + 30, 300], fill=(250, 240, 220))
        d.rectangle([x + 6, 320, x + 12, 380], fill=(255, 255, 255))
    d.rectangle([180, 230, 260, 330], fill=(160, 20, 25))                     # a red awning in shadow
    d.rectangle([300, 240, 360, 340], fill=(20, 40, 120))                     # a blue door
    image = image.filter(ImageFilter.GaussianBlur(0.8))
    image = levels(grainy(image, 11, 9), 24, 232)
    path = folder / "dark-clipped.jpg"
    image.save(path, quality=90)
    return path


SKIN = [(236, 196, 170), (214, 160, 120), (176, 118, 84), (120, 78, 54), (84, 54, 38)]


def skin_tones(folder: Path) -> Path:
    """Five faces from light to deep skin, shaded, on a muted background; hair nearly black."""
    image = vertical_gradient((W, H), (120, 140, 150), (70, 90, 96))
    d = ImageDraw.Draw(image)
    for i, skin in enumerate(SKIN):
        x = 20 + i * 116
        d.ellipse([x, 60, x + 100, 140], fill=(38, 28, 22))                     # hair
        for step in range(10):                                                 # face, lit from the left
            shade = 0.78 + 0.022 * step
            inset = step * 3
            d.ellipse([x + 6 + inset, 90 + inset, x + 96 - inset // 2, 230 - inset],
                      fill=tuple(min(255, round(c * shade)) for c in skin))
        d.rectangle([x + 10, 250, x + 90, 380], fill=(skin[0] // 2, skin[1] // 3 + 40, skin[2] // 2 + 60))
    image = grainy(image.filter(ImageFilter.GaussianBlur(1.5)), 21, 5)
    path = folder / "skin.jpg"
    image.save(path, quality=90)
    return path


def night_shot(folder: Path) -> Path:
    """A street at night: nearly all pure black after levels, a few lamps, a lit window, tail lights."""
    image = vertical_gradient((W, H), (0, 6, 24), (4, 4, 8))
    d = ImageDraw.Draw(image)
    for x in (80, 300, 520):
        d.line([(x, 120), (x, H)], fill=(14, 14, 16), width=6)                 # lamp posts
        glow(d, (x, 110), 60, (255, 226, 150))
    d.rectangle([380, 200, 440, 250], fill=(255, 196, 110))                    # a lit window
    for x in (150, 200):
        glow(d, (x, 330), 14, (235, 20, 20), steps=6)                         # tail lights
    image = levels(grainy(image.filter(ImageFilter.GaussianBlur(1.0)), 31, 4), 10, 245)
    path = folder / "night.jpg"
    image.save(path, quality=90)
    return path


def grey_scan(folder: Path) -> Path:
    """A greyscale scan of a printed page ("L"): textured paper, a photo's tones, lines of type."""
    paper = ImageChops.add(Image.new("L", (W, H), 232), noise((W, H), 41, 10), 1.0, -128)
    blotches = noise((W // 20, H // 20), 42, 12).resize((W, H), Image.Resampling.BICUBIC)
    image = ImageChops.add(paper, blotches, 1.0, -128)
    d = ImageDraw.Draw(image)
    tones = Image.linear_gradient("L").rotate(90).resize((260, 300)).point(lambda v: 24 + v * 200 // 255)
    image.paste(tones, (30, 50))
    for line, y in enumerate(range(50, 350, 16)):                              # type: dark bars
        d.rectangle([320, y, 570 - (line % 4) * 30, y + 9], fill=20)
    image = image.filter(ImageFilter.GaussianBlur(0.6))
    path = folder / "grey-scan.jpg"
    image.save(path, quality=90)
    return path


def cmyk_over_limit(folder: Path) -> Path:
    """A CMYK JPEG (written inverted with Adobe's APP14 marker, as Photoshop writes them) whose every
    pixel carries 300–400 % ink: a rich black ramp and a dark brown, as from a careless separation."""
    x_ramp = Image.linear_gradient("L").rotate(90).resize((W, H))                # 0 left → 255 right
    y_ramp = Image.linear_gradient("L").resize((W, H))                          # 0 top → 255 bottom
    c = x_ramp.point(lambda v: 150 + v * 100 // 255)
    m = y_ramp.point(lambda v: 140 + v * 110 // 255)
    y = x_ramp.point(lambda v: 250 - v * 90 // 255)
    k = y_ramp.point(lambda v: 230 + v * 25 // 255)
    image = Image.merge("CMYK", (c, m, y, k))
    ImageDraw.Draw(image).rectangle([200, 120, 400, 280], fill=(90, 200, 230, 255))   # brown, 305 %
    path = folder / "cmyk-heavy.jpg"
    image.save(path, quality=92)
    return path


# Adobe RGB (1998), its primaries adapted to D50 as an ICC profile stores them, and its gamma.
ADOBE_RGB_COLUMNS = {b"rXYZ": (0.6097, 0.3111, 0.0195), b"gXYZ": (0.2053, 0.6257, 0.0609),
                     b"bXYZ": (0.1492, 0.0632, 0.7446)}
ADOBE_RGB_GAMMA = 563 / 256       # 2.19921875, as a u8Fixed8 number
D50 = (0.9642, 1.0, 0.8249)


def _s15fixed16(values) -> bytes:
    return b"".join(struct.pack(">i", round(v * 65536)) for v in values)


def icc_v2_rgb_profile(description: str, columns: dict[bytes, tuple], gamma: float) -> bytes:
    """A minimal ICC v2 matrix/TRC RGB display profile: header, desc, cprt, wtpt, the three colorant
    columns and one gamma curve shared by the three channels."""
    ascii_text = description.encode("ascii") + b"\0"
    desc = (b"desc" + bytes(4) + struct.pack(">I", len(ascii_text)) + ascii_text
            + bytes(4) + bytes(4) + bytes(2) + bytes(1) + bytes(67))            # no Unicode, no ScriptCode
    curve = b"curv" + bytes(4) + struct.pack(">IH", 1, round(gamma * 256)) + bytes(2)
    tags = [(b"desc", desc), (b"cprt", b"text" + bytes(4) + b"No copyright, test data\0"),
            (b"wtpt", b"XYZ " + bytes(4) + _s15fixed16(D50))]
    tags += [(sig, b"XYZ " + bytes(4) + _s15fixed16(xyz)) for sig, xyz in columns.items()]
    tags += [(sig, curve) for sig in (b"rTRC", b"gTRC", b"bTRC")]
    offset = 128 + 4 + 12 * len(tags)
    table, body = struct.pack(">I", len(tags)), b""
    for sig, data in tags:
        padded = data + bytes(-len(data) % 4)
        table += sig + struct.pack(">II", offset + len(body), len(data))
        body += padded
    size = offset + len(body)
    header = (struct.pack(">I", size) + bytes(4) + bytes([2, 0x10, 0, 0]) + b"mntrRGB XYZ "
              + struct.pack(">6H", 2026, 1, 1, 0, 0, 0) + b"acsp" + bytes(4) + bytes(4) + bytes(8) + bytes(8)
              + bytes(4) + _s15fixed16(D50) + bytes(4) + bytes(44))
    assert len(header) == 128
    return header + table + body


def adobe_rgb_profile() -> bytes:
    return icc_v2_rgb_profile("Adobe RGB (1998) test profile", ADOBE_RGB_COLUMNS, ADOBE_RGB_GAMMA)


# Foliage, grass, turquoise water, teal, brick, sky, light and deep skin: where reading Adobe RGB
# numbers as sRGB shows most.
ADOBE_RGB_COLOURS = [(40, 200, 70), (90, 160, 100), (100, 180, 170), (60, 130, 140), (150, 90, 60),
                     (70, 120, 180), (214, 160, 120), (120, 78, 54)]
PATCH = 130                   # pixels square, at these top-left corners
ADOBE_RGB_PATCHES = [(20 + (i % 4) * 145, 30 + (i // 4) * 150) for i in range(len(ADOBE_RGB_COLOURS))]


def adobe_rgb_photo(folder: Path) -> Path:
    """Saturated greens and cyans (where Adobe RGB reaches beyond sRGB), skin, sky, a neutral ramp,
    saved as JPEG with the Adobe RGB profile embedded."""
    image = vertical_gradient((W, H), (90, 140, 210), (200, 220, 235))
    d = ImageDraw.Draw(image)
    for (x, y), colour in zip(ADOBE_RGB_PATCHES, ADOBE_RGB_COLOURS):
        d.rectangle([x, y, x + PATCH, y + PATCH], fill=colour)
    for i in range(12):
        v = round(i * 255 / 11)
        d.rectangle([i * 50, 340, i * 50 + 49, H], fill=(v, v, v))
    image = grainy(image.filter(ImageFilter.GaussianBlur(1.0)), 51, 3)
    path = folder / "adobe-rgb.jpg"
    image.save(path, quality=92, icc_profile=adobe_rgb_profile())
    return path


def portrait_as_shown() -> Image.Image:
    """The phone portrait as it should be shown (400 × 600): sky with a red disk at the top, a green
    field at the bottom."""
    image = vertical_gradient((H, W), (120, 170, 230), (210, 225, 240))
    d = ImageDraw.Draw(image)
    d.rectangle([0, 420, H, W], fill=(70, 140, 60))
    d.ellipse([150, 30, 250, 130], fill=MARKER_RGB)
    return grainy(image, 61, 3)


def phone_portrait(folder: Path) -> Path:
    """The portrait stored landscape (600 × 400, the disk at the left edge) with EXIF orientation 6,
    as a phone held upright writes it."""
    stored = portrait_as_shown().transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[ORIENTATION_TAG] = 6
    path = folder / "phone-portrait.jpg"
    stored.save(path, quality=90, exif=exif.tobytes())
    return path


def eight_bit_tones() -> Image.Image:
    """The tones of the 16-bit PNGs, in 8 bits: a diagonal ramp from black to white with grain."""
    across = Image.linear_gradient("L").rotate(90).resize((W, H))
    ramp = ImageChops.add(across, Image.linear_gradient("L").resize((W, H)), 2.0)
    return ImageChops.add(ramp, noise((W, H), 71, 6), 1.0, -128)


def sixteen_bit_grey_png(folder: Path) -> Path:
    """A 16-bit greyscale PNG ("I;16"): the 8-bit tones times 257 (0 → 0, 255 → 65535)."""
    wide = eight_bit_tones().convert("I").point(lambda v: v * 257).convert("I;16")
    path = folder / "grey16.png"
    wide.save(path)
    return path


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def sixteen_bit_rgb_png(folder: Path) -> Path:
    """A 16-bit RGB PNG, written by hand (Pillow writes no 16-bit RGB): the 8-bit colours of the skin
    photo, every sample v stored as v × 257."""
    with Image.open(skin_tones(folder)) as im:
        rgb = im.convert("RGB")
    eight = rgb.tobytes()
    sixteen = bytearray(2 * len(eight))
    sixteen[0::2] = eight
    sixteen[1::2] = eight
    row = 6 * rgb.width
    raw = b"".join(b"\0" + bytes(sixteen[y * row:(y + 1) * row]) for y in range(rgb.height))
    data = (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", rgb.width, rgb.height, 16, 2, 0, 0, 0))
            + _png_chunk(b"IDAT", zlib.compress(raw, 6)) + _png_chunk(b"IEND", b""))
    path = folder / "rgb16.png"
    path.write_bytes(data)
    return path


MAKERS = {"dark-clipped": dark_clipped_scene, "skin": skin_tones, "night": night_shot, "grey-scan": grey_scan,
          "cmyk-heavy": cmyk_over_limit, "adobe-rgb": adobe_rgb_photo, "phone-portrait": phone_portrait,
          "grey16": sixteen_bit_grey_png, "rgb16": sixteen_bit_rgb_png}
