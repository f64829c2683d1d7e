"""Photos as they come from a newsroom (made by tests/photofactory.py), through the press conversion
(layout/pdf/press.py) and onto a rendered page.

Every pixel of the JPEG that goes into the PDF, decoded as the preflight decodes it, is within the
template's ink limit; the look is kept (CIEDE2000 against the photo converted straight through its own
profile and the output profile, with no ink limit and no JPEG); an embedded ICC profile and the EXIF
orientation are honoured; 16-bit samples are scaled, not clipped; greyscale goes through the grey
profile and is embedded as DeviceGray; a CMYK photo over the limit is converted, not refused.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageCms, ImageMath, ImageOps

import photofactory
from conftest import ROOT
from layout.base.paths import profile_path
from layout.issue.model import PrintSettings
from layout.issue.photos import check_image, effective_ppi
from layout.pdf.objects import Name
from layout.pdf.press import image_stream, pressed_photo

PRINTING = PrintSettings()
# 600 × 400 pixels placed 144 × 96 pt (2 × 1⅓ inches): 300 ppi, the print settings' max_ppi, so the
# JPEG holds the photo's own pixels, neither cropped nor scaled.
LANDSCAPE, PORTRAIT = (144.0, 96.0), (96.0, 144.0)
COLOUR = ["dark-clipped", "skin", "night", "cmyk-heavy", "adobe-rgb", "phone-portrait", "rgb16"]
GREY = ["grey-scan", "grey16"]
LAB = ImageCms.createProfile("LAB", 5000)
RELATIVE = ImageCms.Intent.RELATIVE_COLORIMETRIC


@pytest.fixture(scope="module", autouse=True)
def press_cache(tmp_path_factory):
    """A disk cache of this module's own: no photo is served from another run's conversion."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LAYOUT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture(scope="module")
def photos(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("photos")
    return {name: make(folder) for name, make in photofactory.MAKERS.items()}


@pytest.fixture(scope="module")
def pressed(photos) -> dict[str, Image.Image]:
    """Each photo pressed at its placed size, as the JPEG handed on decodes."""
    return {name: decoded(pressed_photo(path, *placed(name), (0.5, 0.5), PRINTING).data)
            for name, path in photos.items()}


def placed(name: str) -> tuple[float, float]:
    return PORTRAIT if name == "phone-portrait" else LANDSCAPE


def decoded(jpeg: bytes) -> Image.Image:
    """A JPEG as the preflight reads it: Pillow undoes Adobe's inverted CMYK (APP14)."""
    image = Image.open(io.BytesIO(jpeg))
    image.load()
    return image


def max_ink(cmyk: Image.Image) -> float:
    """The highest C + M + Y + K of any pixel, in percent."""
    c, m, y, k = (band.convert("I") for band in cmyk.split())
    total = ImageMath.lambda_eval(lambda a: a["c"] + a["m"] + a["y"] + a["k"], c=c, m=m, y=y, k=k)
    return total.getextrema()[1] / 255 * 100


# --- colour difference ---------------------------------------------------------------------------------------

def ciede2000(lab1, lab2) -> float:
    """CIEDE2000 (kL = kC = kH = 1), after Sharma, Wu and Dalal (2005)."""
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c_mean7 = ((math.hypot(a1, b1) + math.hypot(a2, b2)) / 2) ** 7
    g = 0.5 * (1 - math.sqrt(c_mean7 / (c_mean7 + 25 ** 7)))
    a1, a2 = a1 * (1 + g), a2 * (1 + g)
    c1, c2 = math.hypot(a1, b1), math.hypot(a2, b2)
    h1 = math.degrees(math.atan2(b1, a1)) % 360 if c1 else 0.0
    h2 = math.degrees(math.atan2(b2, a2)) % 360 if c2 else 0.0
    dh = 0.0 if c1 * c2 == 0 else h2 - h1 - 360 * ((h2 - h1 > 180) - (h2 - h1 < -180))
    d_l, d_c, d_hue = l2 - l1, c2 - c1, 2 * math.sqrt(c1 * c2) * math.sin(math.radians(dh / 2))
    l_mean, c_mean = (l1 + l2) / 2, (c1 + c2) / 2
    if c1 * c2 == 0:
        h_mean = h1 + h2
    elif abs(h1 - h2) <= 180:
        h_mean = (h1 + h2) / 2
    else:
        h_mean = (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2
    t = (1 - 0.17 * math.cos(math.radians(h_mean - 30)) + 0.24 * math.cos(math.radians(2 * h_mean))
         + 0.32 * math.cos(math.radians(3 * h_mean + 6)) - 0.20 * math.cos(math.radians(4 * h_mean - 63)))
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / math.sqrt(20 + (l_mean - 50) ** 2)
    s_c, s_h = 1 + 0.045 * c_mean, 1 + 0.015 * c_mean * t
    r_t = (-2 * math.sqrt(c_mean ** 7 / (c_mean ** 7 + 25 ** 7))
           * math.sin(math.radians(60 * math.exp(-(((h_mean - 275) / 25) ** 2)))))
    return math.sqrt((d_l / s_l) ** 2 + (d_c / s_c) ** 2 + (d_hue / s_h) ** 2 + r_t * (d_c / s_c) * (d_hue / s_h))


@pytest.mark.parametrize("lab1,lab2,expected", [      # Sharma, Wu and Dalal's test data: pairs 1, 17, 31
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((2.0776, 0.0795, -1.135), (0.9033, -0.0636, -0.5514), 0.9082),
    ((50.0, 2.49, -0.001), (50.0, -2.49, 0.0011), 7.2195),  # pair 13: hues across 0°/360°
])
def test_ciede2000_matches_the_published_test_pairs(lab1, lab2, expected):
    assert ciede2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)
    assert ciede2000(lab2, lab1) == pytest.approx(expected, abs=1e-4)


def labs(image: Image.Image) -> list[tuple[float, float, float]]:
    """The pixels of a "CMYK" (output profile) or "L" (grey profile) image as CIELAB, relative to
    the paper: what prints, measured."""
    profile = profile_path(PRINTING.profile if image.mode == "CMYK" else PRINTING.grey_profile)
    transform = ImageCms.buildTransform(ImageCms.getOpenProfile(str(profile)), LAB, image.mode, "LAB",
                                        renderingIntent=RELATIVE)
    lab = ImageCms.applyTransform(image, transform)
    return [(lv / 2.55, av - 128, bv - 128) for lv, av, bv in zip(*(band.tobytes() for band in lab.split()))]


def differences(image: Image.Image, reference: Image.Image, size=(60, 40)) -> list[float]:
    """ΔE00 pixel by pixel between two low-resolution thumbnails."""
    small = [labs(im.resize(size, Image.Resampling.BOX)) for im in (image, reference)]
    return [ciede2000(a, b) for a, b in zip(*small)]


def straight(path: Path, source: bytes | None = None) -> Image.Image:
    """The photo converted the plain way, as the reference: as shown, from its own embedded profile
    (or ``source``, or sRGB) through the output profile, perceptual; no ink limit, no JPEG."""
    with Image.open(path) as opened:
        image = ImageOps.exif_transpose(opened)
    if image.mode == "CMYK":
        return image
    icc = source or image.info.get("icc_profile")
    origin = ImageCms.ImageCmsProfile(io.BytesIO(icc)) if icc else ImageCms.createProfile("sRGB")
    output = ImageCms.getOpenProfile(str(profile_path(PRINTING.profile)))
    return ImageCms.applyTransform(image.convert("RGB"), ImageCms.buildTransform(
        origin, output, "RGB", "CMYK", renderingIntent=ImageCms.Intent.PERCEPTUAL))


def through_grey_profile(image: Image.Image) -> Image.Image:
    """An 8-bit grey image (sRGB's neutral axis) through the grey profile."""
    grey = ImageCms.getOpenProfile(str(profile_path(PRINTING.grey_profile)))
    return ImageCms.applyTransform(image.convert("RGB"), ImageCms.buildTransform(
        ImageCms.createProfile("sRGB"), grey, "RGB", "L"))


# --- ink ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", COLOUR)
def test_every_pixel_of_the_embedded_jpeg_is_within_the_ink_limit(pressed, name):
    image = pressed[name]
    assert image.mode == "CMYK"
    assert max_ink(image) <= PRINTING.ink_limit, f"{name}: {max_ink(image):.1f} % ink"


def test_the_photos_are_what_the_issue_describes(photos):
    """Clipped shadows and highlights, a night mostly black, a CMYK photo far over the limit."""
    with Image.open(photos["dark-clipped"]) as im:
        histogram = im.convert("L").histogram()
    assert histogram[0] / sum(histogram) > 0.3 and histogram[255] / sum(histogram) > 0.03
    with Image.open(photos["night"]) as im:
        histogram = im.convert("L").histogram()
    assert sum(histogram[:3]) / sum(histogram) > 0.8
    with Image.open(photos["cmyk-heavy"]) as im:
        assert im.mode == "CMYK" and max_ink(im) > 350
        c, m, y, k = (band.convert("I") for band in im.split())
        least = ImageMath.lambda_eval(lambda a: a["c"] + a["m"] + a["y"] + a["k"], c=c, m=m, y=y, k=k).getextrema()[0]
        assert least / 255 * 100 >= 300


def test_a_cmyk_photo_over_the_limit_is_brought_under_it_keeping_its_black(photos, pressed):
    """C, M and Y give way; K, which carries the picture on newsprint, stays."""
    with Image.open(photos["cmyk-heavy"]) as im:
        before = im.getchannel("K")
    after = pressed["cmyk-heavy"].getchannel("K")
    shift = sum(abs(a - b) for a, b in zip(before.tobytes(), after.tobytes())) / (before.width * before.height)
    assert shift < 1.5
    assert sum(differences(pressed["cmyk-heavy"], straight(photos["cmyk-heavy"]))) / 2400 < 3.0


def test_a_cmyk_photo_tagged_with_the_output_profile_keeps_its_separation(tmp_path):
    """Tagged with the press's own profile, CMYK is not sent through Lab and back (that would undo its
    black generation); only its ink is limited."""
    separation = Image.merge("CMYK", [Image.linear_gradient("L").resize((600, 400)).point(lambda v, s=s: v * s // 4)
                                      for s in (2, 1, 1, 4)])
    path = tmp_path / "tagged.jpg"
    separation.save(path, quality=95, icc_profile=profile_path(PRINTING.profile).read_bytes())
    image = decoded(pressed_photo(path, *LANDSCAPE, (0.5, 0.5), PRINTING).data)
    assert max_ink(image) <= 2 * 255 / 255 * 100 + 1                   # at most 200 %: untouched
    k_before, k_after = separation.getchannel("K").tobytes(), image.getchannel("K").tobytes()
    assert sum(abs(a - b) for a, b in zip(k_before, k_after)) / len(k_before) < 1.0


# --- the look ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["dark-clipped", "skin", "night", "adobe-rgb", "phone-portrait", "rgb16"])
def test_the_look_is_kept(photos, pressed, name):
    """Against the photo converted straight (its own profile, the output profile, perceptual), in
    CIELAB over a 60 × 40 thumbnail: the ink limit and the JPEG change nothing anyone would see."""
    de = differences(pressed[name], straight(photos[name]))
    assert sum(de) / len(de) <= 1.0, f"{name}: mean ΔE00 {sum(de) / len(de):.2f}"
    assert max(de) <= 3.0, f"{name}: largest ΔE00 {max(de):.2f}"


def test_the_adobe_rgb_profile_made_here_is_a_valid_profile():
    profile = ImageCms.ImageCmsProfile(io.BytesIO(photofactory.adobe_rgb_profile()))
    assert profile.profile.xcolor_space.strip() == "RGB" and profile.profile.version == pytest.approx(2.1)
    to_lab = ImageCms.buildTransform(profile, LAB, "RGB", "LAB", renderingIntent=RELATIVE)
    white, grey = (ImageCms.applyTransform(Image.new("RGB", (1, 1), (v, v, v)), to_lab).getpixel((0, 0))
                   for v in (255, 128))
    assert white == (255, 128, 128)
    # Gamma 563/256: Y = (128/255) ** 2.19921875 = 0.2195, L* = 53.9
    assert grey[0] / 2.55 == pytest.approx(53.9, abs=0.5) and grey[1:] == (128, 128)


def test_an_adobe_rgb_photo_is_converted_from_its_embedded_profile(photos, pressed):
    """Each colour patch within ΔE00 2 of the conversion that honours the profile; read as sRGB (as
    the engine did), the same numbers come out several ΔE00 off."""
    path = photos["adobe-rgb"]
    honoured, as_srgb = straight(path), straight(path, source=ImageCms.ImageCmsProfile(
        ImageCms.createProfile("sRGB")).tobytes())
    size = photofactory.PATCH
    for (x, y), colour in zip(photofactory.ADOBE_RGB_PATCHES, photofactory.ADOBE_RGB_COLOURS):
        box = (x + 20, y + 20, x + size - 20, y + size - 20)
        mean = [labs(im.crop(box).resize((1, 1), Image.Resampling.BOX))[0]
                for im in (pressed["adobe-rgb"], honoured, as_srgb)]
        assert ciede2000(mean[0], mean[1]) <= 2.0, f"patch {colour}: ΔE00 {ciede2000(mean[0], mean[1]):.2f}"
        assert ciede2000(mean[1], mean[2]) > 2.0      # the patch tells the two readings apart


def test_a_damaged_or_mismatched_embedded_profile_is_ignored(tmp_path, photos):
    """A profile LittleCMS cannot read, or one for another colour space, leaves the photo as if it had
    none (sRGB), rather than failing the render."""
    with Image.open(photos["skin"]) as im:
        rgb = im.convert("RGB")
    grey_profile = profile_path(PRINTING.grey_profile).read_bytes()
    results = []
    for name, icc in (("untagged", None), ("damaged", b"acsp" * 40), ("grey", grey_profile)):
        path = tmp_path / f"{name}.png"
        rgb.save(path, **({"icc_profile": icc} if icc else {}))
        results.append(pressed_photo(path, *LANDSCAPE, (0.5, 0.5), PRINTING).data)
    assert results[0] == results[1] == results[2]


# --- orientation, bit depth, grey --------------------------------------------------------------------------

def test_a_phone_portrait_comes_out_portrait_with_its_top_up(photos, pressed):
    image = pressed["phone-portrait"]
    assert image.height > image.width
    # The red disk is at the top middle: much magenta, little cyan; the bottom is green: cyan over magenta.
    disk = image.crop((170, 50, 230, 110)).resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))
    field = image.crop((0, image.height - 60, image.width, image.height)).resize((1, 1)).getpixel((0, 0))
    assert disk[1] > 150 and disk[0] < 40, disk
    assert field[0] > field[1] + 60, field
    # Its resolution where placed is measured on the photo as shown: 400 pixels across 96 pt.
    assert check_image(photos["phone-portrait"]) is None
    assert effective_ppi(photos["phone-portrait"], *PORTRAIT, (0.5, 0.5)) == pytest.approx(300)


def test_photos_of_every_kind_pass_the_check_when_the_issue_is_read(photos):
    assert {name: check_image(path) for name, path in photos.items()} == dict.fromkeys(photos)


def mean(image: Image.Image) -> list[float]:
    return [sum(band.tobytes()) / (band.width * band.height) for band in image.split()]


def test_a_16_bit_grey_png_is_scaled_not_clipped(tmp_path, photos, pressed):
    eight = tmp_path / "grey8.png"
    photofactory.eight_bit_tones().save(eight)
    expected = decoded(pressed_photo(eight, *LANDSCAPE, (0.5, 0.5), PRINTING).data)
    image = pressed["grey16"]
    assert image.mode == "L" and mean(image)[0] < 200      # not blank white
    assert mean(image)[0] == pytest.approx(mean(expected)[0], abs=1.0)


def test_a_16_bit_rgb_png_is_the_same_photo_as_its_8_bit_original(pressed):
    assert all(a == pytest.approx(b, abs=1.0) for a, b in zip(mean(pressed["rgb16"]), mean(pressed["skin"])))


@pytest.mark.parametrize("name", GREY)
def test_greyscale_goes_through_the_grey_profile_as_device_grey(photos, pressed, name):
    image = pressed[name]
    assert image.mode == "L"
    stream = image_stream(pressed_photo(photos[name], *LANDSCAPE, (0.5, 0.5), PRINTING))
    assert stream.entries["ColorSpace"] == Name("DeviceGray") and "Decode" not in stream.entries
    if name == "grey-scan":
        with Image.open(photos[name]) as im:
            expected = through_grey_profile(im)
        small = [im.resize((60, 40), Image.Resampling.BOX).tobytes() for im in (image, expected)]
        assert sum(abs(a - b) for a, b in zip(*small)) / 2400 < 1.0


@pytest.mark.parametrize("mode", ["1", "P", "LA", "RGBA", "I", "F"])
def test_other_modes_come_out_as_their_8_bit_equivalent(tmp_path, mode):
    """Bilevel, a palette with a transparent colour, grey and colour with alpha (flattened onto white),
    32-bit integer (16-bit values) and float (0–1) grey: each as the same picture in 8 bits would."""
    ramp = Image.linear_gradient("L").resize((600, 400))
    other = ramp.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    rgb = Image.merge("RGB", (ramp, other, ramp))
    white, paper = Image.new("L", ramp.size, 255), Image.new("RGB", ramp.size, "white")
    made = {"1": (ramp.convert("1"), ramp.convert("1").convert("L")),
            "LA": (Image.merge("LA", (ramp, other)), Image.composite(ramp, white, other)),
            "RGBA": (Image.merge("RGBA", (*rgb.split(), other)), Image.composite(rgb, paper, other)),
            "I": (ramp.convert("I").point(lambda v: v * 257), ramp),
            "F": (ramp.convert("F").point(lambda v: v / 255), ramp)}
    if mode == "P":
        palette = rgb.convert("P", palette=Image.Palette.ADAPTIVE, colors=32)
        flat = palette.convert("RGB")
        clear = palette.point(lambda i: 255 if i == 0 else 0, "L")
        made["P"] = (palette, Image.composite(paper, flat, clear))
    source, equivalent = made[mode]
    path, reference = tmp_path / f"photo.{'tif' if mode in ('I', 'F') else 'png'}", tmp_path / "reference.png"
    source.save(path, **({"transparency": 0} if mode == "P" else {}))
    equivalent.save(reference)
    with Image.open(path) as im:
        assert im.mode == mode
    got, expected = (decoded(pressed_photo(p, *LANDSCAPE, (0.5, 0.5), PRINTING).data) for p in (path, reference))
    assert got.mode == expected.mode
    assert all(a == pytest.approx(b, abs=1.5) for a, b in zip(mean(got), mean(expected))), (mean(got), mean(expected))


def test_pressing_is_deterministic(photos, tmp_path, monkeypatch):
    """The same photo pressed anew (no cache) gives the same bytes."""
    results = []
    for run in ("a", "b"):
        monkeypatch.setenv("LAYOUT_CACHE_DIR", str(tmp_path / run))
        results.append(pressed_photo(photos["dark-clipped"], *LANDSCAPE, (0.5, 0.5), PRINTING).data)
    assert results[0] == results[1]


# --- on the page -------------------------------------------------------------------------------------------

ISSUE = """template: xuhuibao-tabloid
paper: {{name: 徐匯報}}
issue: {{number: 1, total: 2, date: 2021-11-29}}
pages:
  - {{number: 1, section: 要聞}}
stories:
  - id: report
    text: s.md
    frames:
      - {{page: 1, col: 1, span: 6, line: 60, lines: 10}}
photos:
{photos}"""


def test_an_issue_placing_every_photo_renders_and_passes_preflight(tmp_path, photos, real_fonts):
    """Each photo one column wide (99 pt, so downsampled to 300 ppi), the portrait ten lines tall; the
    render's preflight passes and each image the PDF carries is within the limit as decoded."""
    import shutil

    from layout.app.pipeline import render

    shutil.copytree(ROOT / "issues" / "templates", tmp_path / "templates")
    (tmp_path / "s.md").write_text("本報訊 徐匯區的照片。\n", encoding="utf-8")
    rows = []
    for i, (name, path) in enumerate(photos.items()):
        shutil.copy(path, tmp_path / path.name)
        if name == "phone-portrait":
            place = "{page: 1, col: 6, span: 1, line: 40, lines: 10}"
        else:
            place = f"{{page: 1, col: {1 + i % 5}, span: 1, line: {20 + 8 * (i // 5)}, lines: 5}}"
        rows.append(f"  - {{id: {name}, file: {path.name}, place: {place}}}")
    issue = tmp_path / "x.yaml"
    issue.write_text(ISSUE.format(photos="\n".join(rows) + "\n"), encoding="utf-8")
    result = render(issue, tmp_path / "out", fonts=real_fonts)
    with pikepdf.open(result.files[0]) as pdf:
        images = [x for x in pdf.pages[0].Resources.XObject.values() if x.Subtype == "/Image"]
        # The 16-bit RGB PNG presses to the very JPEG of the skin photo it was made from (Pillow reads a
        # 16-bit RGB PNG by its high bytes, v of v × 257), and the page carries that image once.
        assert len(images) == len(photos) - 1
        spaces = sorted(str(x.ColorSpace) for x in images)
        assert spaces == ["/DeviceCMYK"] * (len(COLOUR) - 1) + ["/DeviceGray"] * len(GREY)
        for x in images:
            image = decoded(x.read_raw_bytes())
            if image.mode == "CMYK":
                assert max_ink(image) <= PRINTING.ink_limit
        assert any(x.Height > x.Width for x in images)        # the portrait, standing


def test_the_last_resort_keeps_only_black_where_refits_are_not_enough(photos, monkeypatch, tmp_path):
    """With no margin and no refits the first JPEG of the dark scene is over the limit; the blocks
    over it are then printed with K alone, and what is handed on is within the limit."""
    from layout.pdf import press

    monkeypatch.setenv("LAYOUT_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(press, "INK_MARGIN", 0)
    monkeypatch.setattr(press, "REFITS", 0)
    image, _ = press.press_image(photos["dark-clipped"], *LANDSCAPE, (0.5, 0.5), PRINTING)
    limit = math.floor(PRINTING.ink_limit * 2.55) - press.DECODER_SLACK
    assert press._blocks_over(press._encode(press.limit_ink(image, limit)), limit)     # over without help
    assert max_ink(decoded(press.jpeg_within_limit(image, PRINTING.ink_limit))) <= PRINTING.ink_limit
