"""Preflight by the ISO 15930-1 (PDF/X-1a:2001) rules and the house's, measured on defect PDFs made
here (tests/defects.py): one file per rule, each with the finding it must raise, and conforming
controls (what ISO allows where the house is stricter, the engine's own pages) that must pass."""

from __future__ import annotations

import json

import pikepdf
import pytest
from click.testing import CliRunner

import defects
from layout.app.cli import main
from layout.preflight import rules as preflight
from layout.preflight.findings import RULES, is_house
from layout.preflight.functions import evaluate
from layout.preflight.icc import read_profile

# (maker, rule, severity): the finding each defect file must raise.
DEFECTS = [
    (defects.not_a_pdf, "iso/file", "error"),
    (defects.encrypted, "iso/encryption", "error"),
    (defects.header_1_4, "iso/version", "error"),
    (defects.catalog_version, "iso/version", "error"),
    (defects.object_streams, "iso/beyond-1.3", "error"),
    (defects.jpx_image, "iso/beyond-1.3", "error"),
    (defects.sixteen_bit_image, "iso/beyond-1.3", "error"),
    (defects.lzw_content, "iso/filter", "error"),
    (defects.no_trailer_id, "iso/id", "error"),
    (defects.pdfx_key_missing, "iso/info", "error"),
    (defects.conformance_level_as_version, "iso/info", "warning"),
    (defects.no_output_intent, "iso/output-intent", "error"),
    (defects.unregistered_condition_without_profile, "iso/output-intent", "error"),
    (defects.truncated_profile, "iso/output-profile", "error"),
    (defects.input_class_profile, "iso/output-profile", "error"),
    (defects.no_trim_box, "iso/boxes", "error"),
    (defects.trim_and_art_box, "iso/boxes", "error"),
    (defects.pre_separated, "iso/separated", "error"),
    (defects.rgb_fill, "iso/colour", "error"),
    (defects.icc_fill, "iso/colour", "error"),
    (defects.calrgb_stroke, "iso/colour", "error"),
    (defects.calgray_text, "iso/colour", "error"),
    (defects.lab_fill, "iso/colour", "error"),
    (defects.icc_image, "iso/colour", "error"),
    (defects.rgb_inline_image, "iso/colour", "error"),
    (defects.lab_shading, "iso/colour", "error"),
    (defects.rgb_tiling_pattern, "iso/colour", "error"),
    (defects.icc_shading_pattern, "iso/colour", "error"),
    (defects.rgb_form, "iso/colour", "error"),
    (defects.rgb_annotation_appearance, "iso/colour", "error"),
    (defects.rgb_separation_alternate, "iso/colour", "error"),
    (defects.default_cmyk_icc, "iso/colour", "error"),
    (defects.alpha, "iso/transparency", "error"),
    (defects.unembedded_font, "iso/fonts", "error"),
    (defects.annotation_in_bleed, "iso/annotations", "error"),
    (defects.open_action, "iso/actions", "error"),
    (defects.page_additional_action, "iso/actions", "error"),
    (defects.uri_link, "iso/actions", "error"),
    (defects.javascript, "iso/javascript", "error"),
    (defects.embedded_file, "iso/embedded-files", "error"),
    (defects.transfer_function, "iso/transfer", "error"),
    (defects.halftone_type_6, "iso/halftone", "error"),
    (defects.postscript_xobject, "iso/postscript", "error"),
    (defects.opi_form, "iso/opi", "error"),
    (defects.image_alternates, "iso/alternates", "error"),
    (defects.unknown_operator, "iso/operators", "error"),
    (defects.proof, "layout/proof", "error"),
    (defects.art_box_only, "house/trimbox", "warning"),
    (defects.type3_font, "house/type3", "warning"),
    (defects.registered_condition_without_profile, "house/embedded-profile", "warning"),
    (defects.grey_output_profile, "house/cmyk-output", "error"),
    (defects.cmyk_ink, "house/ink", "error"),
    (defects.devicen_ink, "house/ink", "error"),
    (defects.separation_ink, "house/ink", "error"),
    (defects.separation_image_ink, "house/ink", "error"),
    (defects.low_resolution_image, "house/resolution", "error"),
    (defects.black_text_knocking_out, "house/black-overprint", "error"),
    (defects.white_overprint, "house/white-overprint", "error"),
    (defects.registration_inside_trim, "house/registration", "error"),
    (defects.hairline, "house/hairline", "warning"),
    (defects.small_text, "house/small-text", "warning"),
    (defects.small_text_by_matrix, "house/small-text", "warning"),
]
# What ISO 15930-1 allows (some of it the house warns about) and what the engine writes: no errors.
CONTROLS = [defects.conforming, defects.type3_font, defects.art_box_only,
            defects.registered_condition_without_profile, defects.slug_line, defects.spot_colour_within_limit,
            defects.indexed_cmyk_image]
# Findings that name a place on the page (a Default colour space is a resource: it has none).
PLACED = {"iso/colour", "iso/annotations", "house/ink", "house/resolution", "house/black-overprint",
          "house/white-overprint", "house/registration", "house/hairline", "house/small-text"}
UNPLACED = {defects.default_cmyk_icc}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("defects")


def _described(path, findings) -> str:
    return preflight.report_text(path, findings)


@pytest.mark.parametrize("maker,rule,severity", DEFECTS, ids=[m.__name__ for m, _, _ in DEFECTS])
def test_each_defect_is_caught(folder, maker, rule, severity):
    path = maker(folder / f"{maker.__name__}.pdf")
    findings = preflight.check(path)
    hits = [f for f in findings if f.rule == rule and f.severity == severity]
    assert hits, _described(path, findings)
    first = hits[0]
    assert first.obj and first.message
    if rule in PLACED and maker not in UNPLACED:
        assert first.page == 1 and first.position is not None, first
    # The defect is that file's only error: each rule is measured on its own.
    assert {f.rule for f in preflight.errors(findings)} <= {rule, "house/cmyk-output"}, _described(path, findings)
    if is_house(rule):
        off = preflight.check(path, preflight.Limits(house=False))
        assert not any(is_house(f.rule) for f in off) and not preflight.errors(off), _described(path, off)


def test_every_rule_has_a_defect_file_and_is_listed_in_the_docstring():
    caught = {rule for _, rule, _ in DEFECTS}
    assert caught == set(RULES), set(RULES) ^ caught
    for rule in RULES:
        assert rule in preflight.__doc__, rule


@pytest.mark.parametrize("maker", CONTROLS, ids=[m.__name__ for m in CONTROLS])
def test_controls_pass(folder, maker):
    path = maker(folder / f"control-{maker.__name__}.pdf")
    findings = preflight.check(path)
    assert not preflight.errors(findings), _described(path, findings)
    assert not preflight.check(path, preflight.Limits(house=False)), "ISO alone finds nothing"


def test_the_engines_pages_pass(sample_render):
    for path in sample_render.files:
        findings = preflight.check(path)
        assert not preflight.errors(findings), _described(path, findings)


def test_a_proof_passes_where_proofs_are_accepted(folder):
    path = defects.proof(folder / "accepted-proof.pdf")
    assert not preflight.check(path, preflight.Limits(accept_proof=True))


def test_the_press_limits_move_the_house_rules(folder):
    ink = defects.cmyk_ink(folder / "ink-limit.pdf")
    assert not preflight.errors(preflight.check(ink, preflight.Limits(ink_limit=400)))
    low = defects.low_resolution_image(folder / "ppi-limit.pdf")
    assert not preflight.errors(preflight.check(low, preflight.Limits(min_ppi=0.5, warn_ppi=0.5)))


def test_registration_colour_counts_only_inside_the_trim(folder):
    inside = preflight.check(defects.registration_inside_trim(folder / "reg.pdf"))
    [hit] = [f for f in inside if f.rule == "house/registration"]
    assert hit.position == (100.0, 100.0) and "inside the trim" in hit.message
    # The base page's crop marks and a slug line are in /All too, outside the bleed: nothing.
    assert not [f for f in preflight.check(defects.slug_line(folder / "slug.pdf")) if f.rule == "house/registration"]


def test_report_names_rule_page_object_and_position(folder):
    path = defects.white_overprint(folder / "white.pdf")
    text = preflight.report_text(path, preflight.check(path))
    assert "house/white-overprint" in text and "page 1" in text and "page content at (60.0, 60.0)" in text
    result = CliRunner().invoke(main, ["preflight", "--json", str(path)])
    assert result.exit_code == 1
    [entry] = json.loads(result.output)
    [finding] = [f for f in entry["findings"] if f["rule"] == "house/white-overprint"]
    assert finding["position"] == [60.0, 60.0] and finding["page"] == 1 and finding["source"] == "house"


def test_no_house_rules_switch(folder):
    path = defects.hairline(folder / "hair.pdf")
    assert "house/hairline" in CliRunner().invoke(main, ["preflight", str(path)]).output
    result = CliRunner().invoke(main, ["preflight", "--no-house-rules", str(path)])
    assert result.exit_code == 0 and "house/" not in result.output


def test_cli_prints_the_pages_figures(folder):
    path = defects.low_resolution_image(folder / "figures-cli.pdf")
    result = CliRunner().invoke(main, ["preflight", "--figures", str(path)])
    assert "page 1: ink" in result.output and "lowest 1 ppi (image /Im1)" in result.output
    result = CliRunner().invoke(main, ["preflight", "--figures", "--json", str(path)])
    [entry] = json.loads(result.output)
    assert entry["pages"][0]["ppi_obj"] == "image /Im1" and entry["pages"][0]["boxes"]["TrimBox"] == [30, 30, 270, 270]


def test_page_figures_after_check_reuse_the_walk(folder, monkeypatch):
    path = defects.cmyk_ink(folder / "figures.pdf")
    preflight.check(path)

    def no_walk(*_):
        raise AssertionError("the page was walked again")

    monkeypatch.setattr(preflight, "page_events", no_walk)
    [page] = preflight.page_figures(path)
    assert page.page == 1 and page.ink == 350.0 and page.ink_position == (60.0, 60.0)
    assert page.ppi is None
    assert [(f.name, f.subset, f.embedded, f.kind) for f in page.fonts] == [("LayoutTest", True, True, "TrueType")]
    assert page.boxes == {"MediaBox": (0, 0, 300, 300), "BleedBox": (20, 20, 280, 280),
                          "TrimBox": (30, 30, 270, 270), "ArtBox": None}


def test_page_figures_name_the_coarsest_image(folder):
    path = defects.low_resolution_image(folder / "coarse.pdf")
    [page] = preflight.page_figures(path)
    assert page.ppi == pytest.approx(1.4, abs=0.1) and page.ppi_obj == "image /Im1"
    assert page.ppi_position == (60.0, 60.0)


def test_the_output_profile_is_parsed():
    whole = (defects.ICC / "ISOnewspaper26v4.icc").read_bytes()
    profile = read_profile(whole)
    assert (profile.device_class, profile.colour_space, profile.connection, profile.version) == \
        ("prtr", "CMYK", "Lab", (2, 4))
    assert not profile.problems and {"A2B0", "B2A0", "desc", "wtpt"} <= set(profile.tags)
    assert "truncated" in read_profile(whole[:5000]).problems[0]
    assert "too short" in read_profile(whole[:100]).problems[0]


def test_tint_transforms_are_evaluated():
    pdf = pikepdf.new()
    calculator = pikepdf.Stream(pdf, b"{ dup 0.5 mul exch dup 0.2 mul exch 0 exch }")
    calculator.FunctionType, calculator.Domain, calculator.Range = 4, [0, 1], [0, 1] * 4
    assert evaluate(calculator, [1.0]) == pytest.approx([0.5, 0.2, 0.0, 1.0])
    sampled = pikepdf.Stream(pdf, bytes([0, 0, 0, 0, 255, 128, 0, 64]))
    sampled.FunctionType, sampled.Domain, sampled.Range = 0, [0, 1], [0, 1] * 4
    sampled.Size, sampled.BitsPerSample = [2], 8
    assert evaluate(sampled, [0.5]) == pytest.approx([0.5, 128 / 510, 0, 64 / 510])
    stitched = pikepdf.Dictionary(FunctionType=3, Domain=[0, 1], Bounds=[0.5], Encode=[0, 1, 0, 1], Functions=[
        pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], C0=[0], C1=[1], N=1),
        pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], C0=[1], C1=[0], N=1)])
    assert evaluate(stitched, [0.25]) == pytest.approx([0.5]) and evaluate(stitched, [0.75]) == pytest.approx([0.5])


def _nested_image_pdf(path, rgb: bool, depth: int = 5):
    """A page whose only image sits ``depth`` forms deep: RGB or CMYK, all else the same."""
    import pikepdf

    pdf = pikepdf.new()
    image = pikepdf.Stream(pdf, bytes(3 if rgb else 4), Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
                           Width=1, Height=1, BitsPerComponent=8,
                           ColorSpace=pikepdf.Name.DeviceRGB if rgb else pikepdf.Name.DeviceCMYK)
    inner, name = image, "/Im0"
    for level in range(depth):
        form = pikepdf.Stream(pdf, f"q 10 0 0 10 0 0 cm {name} Do Q".encode(), Type=pikepdf.Name.XObject,
                              Subtype=pikepdf.Name.Form, BBox=[0, 0, 100, 100],
                              Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary({name: inner})))
        inner, name = form, f"/Fm{level}"
    page = pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=[0, 0, 100, 100], TrimBox=[0, 0, 100, 100],
                              Contents=pdf.make_stream(f"{name} Do".encode()),
                              Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary({name: inner})))
    pdf.pages.append(pikepdf.Page(page))
    pdf.save(path)
    return path


def test_a_remembered_page_is_the_same_page_however_deep_its_forms(tmp_path):
    # Results are remembered by page content: an RGB image five forms deep must not borrow the result of
    # the same page with a CMYK image, checked just before in the same process.
    from layout.preflight.rules import Limits, check

    good = check(_nested_image_pdf(tmp_path / "good.pdf", rgb=False), Limits(house=False))
    bad = check(_nested_image_pdf(tmp_path / "bad.pdf", rgb=True), Limits(house=False))
    assert not any("DeviceRGB" in f.message for f in good)
    assert any(f.rule == "iso/colour" and "DeviceRGB" in f.message for f in bad)
