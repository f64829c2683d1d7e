"""What preflight reports and what it checks against: a ``Finding`` names its rule, page, object and
position; ``Limits`` are the press's numbers and the switches; ``RULES`` names every rule, whether
ISO 15930-1 (PDF/X-1a:2001) asks for it or the house does, and what it checks."""

from __future__ import annotations

from dataclasses import dataclass

from ..base.standard import INK_LIMIT, MIN_PPI, WARN_PPI

Point = tuple[float, float]


@dataclass(frozen=True)
class Limits:
    """What a file is checked against: the press's ink limit, the resolutions photos need, whether the
    house rules apply (``house``), and whether a proof is acceptable (the engine's own proof files)."""

    ink_limit: float = INK_LIMIT     # percent
    warn_ppi: float = WARN_PPI
    min_ppi: float = MIN_PPI
    house: bool = True
    accept_proof: bool = False


@dataclass(frozen=True)
class Finding:
    rule: str                    # an id of RULES, e.g. "iso/colour" or "house/ink"
    severity: str                # error or warning
    page: int | None             # None: the document
    obj: str                     # what: "image /Im1", "page content, font /F1", "OutputIntent" …
    message: str
    position: Point | None = None  # where on the page, in the page's user space (points from its origin)


@dataclass(frozen=True)
class PreflightRule:
    id: str
    source: str                  # "ISO 15930-1", "house" or "engine"
    checks: str


# In the order the report explains them. A house rule is stricter than ISO 15930-1 (or beyond it);
# Limits(house=False) and `layout preflight --no-house-rules` leave them out.
RULES: dict[str, PreflightRule] = {r.id: r for r in (
    PreflightRule("iso/file", "ISO 15930-1",
                  "the file is a readable PDF"),
    PreflightRule("iso/encryption", "ISO 15930-1",
                  "no encryption"),
    PreflightRule("iso/version", "ISO 15930-1",
                  "PDF 1.3 or lower, in the header and the catalog's /Version"),
    PreflightRule("iso/beyond-1.3", "ISO 15930-1",
                  "no PDF 1.4+ features behind the 1.3 header: object streams, cross-reference streams, JPX and JBIG2 "
                  "images, 16-bit images, optional content"),
    PreflightRule("iso/filter", "ISO 15930-1",
                  "no LZW compression"),
    PreflightRule("iso/id", "ISO 15930-1",
                  "the trailer has an /ID"),
    PreflightRule("iso/info", "ISO 15930-1",
                  "Info: GTS_PDFXVersion PDF/X-1:2001, GTS_PDFXConformance PDF/X-1a:2001, Trapped True or False, "
                  "Title, CreationDate, ModDate"),
    PreflightRule("iso/output-intent", "ISO 15930-1",
                  "exactly one GTS_PDFX output intent with an OutputConditionIdentifier, and an embedded profile "
                  "unless the condition is registered (RegistryName)"),
    PreflightRule("iso/output-profile", "ISO 15930-1",
                  "the embedded output profile is a whole ICC profile (size, signature, tag table) of the output class "
                  "(prtr), CMYK or grey"),
    PreflightRule("iso/boxes", "ISO 15930-1",
                  "every page has a TrimBox or an ArtBox, not both; MediaBox ⊇ BleedBox ⊇ TrimBox/ArtBox"),
    PreflightRule("iso/separated", "ISO 15930-1",
                  "no pre-separated pages (SeparationInfo)"),
    PreflightRule("iso/colour", "ISO 15930-1",
                  "colour only in DeviceCMYK, DeviceGray, Separation and DeviceN with a CMYK or grey alternate (and "
                  "Indexed and patterns over them): no RGB, ICCBased, CalRGB, CalGray or Lab anywhere"),
    PreflightRule("iso/transparency", "ISO 15930-1",
                  "no soft masks, alpha below 1, blend modes or transparency groups"),
    PreflightRule("iso/fonts", "ISO 15930-1",
                  "every font embedded"),
    PreflightRule("iso/annotations", "ISO 15930-1",
                  "no annotation or form field inside the BleedBox (the TrimBox or ArtBox without one), TrapNet "
                  "excepted"),
    PreflightRule("iso/actions", "ISO 15930-1",
                  "no actions: OpenAction, additional actions (AA), link and outline actions (URI, Launch …)"),
    PreflightRule("iso/javascript", "ISO 15930-1",
                  "no JavaScript"),
    PreflightRule("iso/embedded-files", "ISO 15930-1",
                  "no embedded files, file attachments or external streams"),
    PreflightRule("iso/transfer", "ISO 15930-1",
                  "no transfer functions (TR, TR2, a halftone's TransferFunction)"),
    PreflightRule("iso/halftone", "ISO 15930-1",
                  "halftones of type 1 or 5 only, no HalftoneName, no HTP"),
    PreflightRule("iso/postscript", "ISO 15930-1",
                  "no PostScript: PS XObjects, PS forms, the PS operator"),
    PreflightRule("iso/opi", "ISO 15930-1",
                  "no OPI"),
    PreflightRule("iso/alternates", "ISO 15930-1",
                  "no image Alternates for printing (any Alternates: a warning)"),
    PreflightRule("iso/operators", "ISO 15930-1",
                  "content streams use only PDF 1.3 operators"),
    PreflightRule("layout/proof", "engine",
                  "not one of the engine's proofs (Info /LayoutProof true), unless proofs are accepted"),
    PreflightRule("house/trimbox", "house",
                  "a TrimBox (ArtBox alone is ISO; the shop trims by the TrimBox): warning"),
    PreflightRule("house/type3", "house",
                  "no Type 3 fonts (ISO allows them; bitmap glyphs print badly): warning"),
    PreflightRule("house/embedded-profile", "house",
                  "the output profile embedded, not only named: warning"),
    PreflightRule("house/cmyk-output", "house",
                  "the output profile is CMYK (ISO also allows grey)"),
    PreflightRule("house/ink", "house",
                  "total ink within the press's limit, in DeviceCMYK, Separation and DeviceN colour, shadings and "
                  "images"),
    PreflightRule("house/resolution", "house",
                  "images at warn_ppi or more where placed (an error below min_ppi)"),
    PreflightRule("house/black-overprint", "house",
                  "black text and thin black rules are 100 % K and overprint (op/OP true, OPM 1); no rich black text"),
    PreflightRule("house/white-overprint", "house",
                  "nothing white set to overprint (it vanishes on the plate)"),
    PreflightRule("house/registration", "house",
                  "registration colour (Separation /All) only outside the trim"),
    PreflightRule("house/hairline", "house",
                  "strokes inside the trim 0.1 pt or wider: warning"),
    PreflightRule("house/small-text", "house",
                  "text inside the trim 5 pt or larger: warning"),
)}

HAIRLINE = 0.1     # pt: a stroke thinner than this may not print on newsprint
SMALL_TEXT = 5.0   # pt: text smaller than this fills in on newsprint
THIN_RULE = 1.0    # pt: a stroke this thin or thinner in 100 % K must overprint


def finding(rule: str, page: int | None, obj: str, message: str, severity: str = "error",
            position: Point | None = None) -> Finding:
    assert rule in RULES, rule
    if position is not None:
        position = (round(position[0], 2), round(position[1], 2))
    return Finding(rule, severity, page, obj, message, position)


def is_house(rule: str) -> bool:
    return RULES[rule].source == "house"
