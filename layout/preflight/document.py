"""The rules on a PDF's structure, not its painting: the file (version, features newer than 1.3,
ID, encryption), the Info keys, the output intent and its profile, JavaScript, actions and embedded
files; per page the boxes, annotations and fonts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

from . import objects

from ..base.standard import PDFX_CONFORMANCE, PDFX_VERSION
from .content import Extent, appearance_events
from .findings import Finding, Limits, finding
from .icc import IccProfile
from .paint import stream_problems

MAX_OUTLINE_ITEMS = 10_000      # an outline is walked for actions; a cyclic one is not followed forever
FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")
PAGE_BOXES = ("/MediaBox", "/BleedBox", "/TrimBox", "/ArtBox")
BOX_TOLERANCE = 0.01


def _version(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in text.lstrip("/").split("."))
    except ValueError:
        return (0,)


def _xref_is_stream(path: Path) -> bool:
    """Does the last cross-reference section start with a stream (PDF 1.5) rather than `xref`?"""
    try:
        with open(path, "rb") as f:
            f.seek(0, 2)
            size = f.tell()
            f.seek(max(0, size - 2048))
            tail = f.read()
            at = tail.rfind(b"startxref")
            if at < 0:
                return False
            offset = int(tail[at + 9:].split()[0])
            f.seek(offset)
            head = f.read(512)
            # An object there whose dictionary says /XRef; a damaged offset (qpdf rebuilds the table) is
            # neither, and says nothing about the version.
            return re.match(rb"\s*\d+\s+\d+\s+obj\b", head) is not None and b"/XRef" in head
    except (OSError, ValueError, IndexError):
        return False


def file_findings(pdf: object, path: Path, limits: Limits) -> list[Finding]:
    out = []
    if _version(pdf.pdf_version) > (1, 3):
        out.append(finding("iso/version", None, "header", f"PDF version {pdf.pdf_version}; PDF/X-1a:2001 needs "
                                                          f"1.3 or lower"))
    version = pdf.Root.get("/Version")
    if version is not None and _version(str(version)) > (1, 3):
        out.append(finding("iso/version", None, "catalog", f"the catalog's /Version {version} raises the "
                                                           f"PDF version above 1.3"))
    if pdf.is_encrypted or "/Encrypt" in pdf.trailer:
        out.append(finding("iso/encryption", None, "trailer", "the file is encrypted"))
    if "/ID" not in pdf.trailer:
        out.append(finding("iso/id", None, "trailer", "no /ID in the trailer: the file cannot be told apart"))
    if any(entry.type == 2 for entry in pdf.get_xref_table().values()):
        out.append(finding("iso/beyond-1.3", None, "file", "object streams (PDF 1.5) behind a 1.3 header"))
    if not objects.read_its_table(pdf) and _xref_is_stream(path):
        out.append(finding("iso/beyond-1.3", None, "file", "a cross-reference stream (PDF 1.5) behind a 1.3 "
                                                           "header"))
    if "/OCProperties" in pdf.Root:
        out.append(finding("iso/beyond-1.3", None, "catalog", "optional content (layers, PDF 1.5)"))
    info = pdf.trailer.get("/Info")
    info = info if isinstance(info, objects.AnyDictionary) else objects.empty_dictionary()
    if info.get("/LayoutProof") is True and not limits.accept_proof:
        out.append(finding("layout/proof", None, "Info", "a proof (LayoutProof true), not a press file"))
    out += _info(info)
    out += _catalog(pdf)
    return out


def _info(info) -> list[Finding]:
    out = []
    version = str(info.get("/GTS_PDFXVersion", "missing"))
    if version == PDFX_CONFORMANCE:
        out.append(finding("iso/info", None, "Info", f"GTS_PDFXVersion is {version!r}; ISO 15930-1 names the "
                                                     f"version {PDFX_VERSION!r} (the conformance level "
                                                     f"goes in GTS_PDFXConformance)", "warning"))
    elif version != PDFX_VERSION:
        out.append(finding("iso/info", None, "Info", f"GTS_PDFXVersion is {version!r}, not "
                                                     f"{PDFX_VERSION!r}"))
    conformance = str(info.get("/GTS_PDFXConformance", "missing"))
    if conformance != PDFX_CONFORMANCE:
        out.append(finding("iso/info", None, "Info", f"GTS_PDFXConformance is {conformance!r}, not "
                                                     f"{PDFX_CONFORMANCE!r}"))
    trapped = info.get("/Trapped")
    if trapped is None or str(trapped) not in ("/True", "/False"):
        out.append(finding("iso/info", None, "Info", f"Trapped is {trapped!s}; it must be True or False"))
    for key in ("/Title", "/CreationDate", "/ModDate"):
        if key not in info:
            out.append(finding("iso/info", None, "Info", f"no {key[1:]}"))
    return out


def _is_action(value) -> bool:
    return isinstance(value, objects.AnyDictionary) and ("/S" in value or str(value.get("/Type", "")) == "/Action")


def _action_findings(action, obj: str, page: int | None, at=None) -> list[Finding]:
    """An action (or a chain of them): JavaScript is its own rule, any other action is an action."""
    out, todo, seen = [], [action], 0
    while todo and seen < 64:
        item = todo.pop()
        seen += 1
        if not _is_action(item):
            continue
        kind = str(item.get("/S", "?")).lstrip("/")
        if kind == "JavaScript":
            out.append(finding("iso/javascript", page, obj, "a JavaScript action", position=at))
        else:
            target = f" to {item.URI}" if kind == "URI" and "/URI" in item else ""
            out.append(finding("iso/actions", page, obj, f"a {kind} action{target}", position=at))
        following = item.get("/Next")
        todo += list(following) if isinstance(following, objects.AnyArray) else [following] if following else []
    return out


def _additional_actions(holder, obj: str, page: int | None, at=None) -> list[Finding]:
    aa = holder.get("/AA")
    if not isinstance(aa, objects.AnyDictionary):
        return []
    out = []
    for trigger, action in aa.items():
        out += _action_findings(action, f"{obj} {trigger[1:]} (AA)", page, at)
    return out or [finding("iso/actions", page, obj, "additional actions (AA)", position=at)]


def _name_tree_has(tree) -> bool:
    if not isinstance(tree, objects.AnyDictionary):
        return False
    return bool(tree.get("/Names")) or bool(tree.get("/Kids"))


def _catalog(pdf: object) -> list[Finding]:
    root = pdf.Root
    out = []
    if _is_action(root.get("/OpenAction")):
        out += _action_findings(root.OpenAction, "catalog OpenAction", None)
    out += _additional_actions(root, "catalog", None) if "/AA" in root else []
    names = root.get("/Names")
    if isinstance(names, objects.AnyDictionary):
        if _name_tree_has(names.get("/JavaScript")):
            out.append(finding("iso/javascript", None, "catalog Names", "document JavaScript"))
        if _name_tree_has(names.get("/EmbeddedFiles")):
            out.append(finding("iso/embedded-files", None, "catalog Names", "embedded files"))
    outlines = root.get("/Outlines")
    if isinstance(outlines, objects.AnyDictionary):
        todo, count = [outlines.get("/First")], 0
        while todo and count < MAX_OUTLINE_ITEMS:
            item = todo.pop()
            if not isinstance(item, objects.AnyDictionary):
                continue
            count += 1
            title = str(item.get("/Title", ""))[:40]
            if _is_action(item.get("/A")):
                out += _action_findings(item.A, f"outline item {title!r}", None)
            todo += [item.get("/Next"), item.get("/First")]
    return out


def intent_findings(pdf: object, limits: Limits, read_profile: Callable[[object], IccProfile | str]
                    ) -> list[Finding]:
    intents = [i for i in pdf.Root.get("/OutputIntents", []) if str(i.get("/S", "")) == "/GTS_PDFX"]
    out = []
    if len(intents) != 1:
        out.append(finding("iso/output-intent", None, "OutputIntents",
                           f"{len(intents)} GTS_PDFX output intents; exactly one is needed"))
    for intent in intents:
        identifier = str(intent.get("/OutputConditionIdentifier", ""))
        if not identifier:
            out.append(finding("iso/output-intent", None, "OutputIntent", "no OutputConditionIdentifier"))
        profile = intent.get("/DestOutputProfile")
        registry = str(intent.get("/RegistryName", "")).strip()
        if profile is None:
            if not registry or identifier in ("", "Custom"):
                out.append(finding("iso/output-intent", None, "OutputIntent",
                                   f"no DestOutputProfile and {identifier or 'no condition'!s} is no condition "
                                   f"registered in a RegistryName: the press's profile is unknown"))
            elif limits.house:
                out.append(finding("house/embedded-profile", None, "OutputIntent",
                                   f"the output condition {identifier} is named ({registry}) but its profile is "
                                   f"not embedded", "warning"))
            continue
        out += _profile_findings(profile, read_profile(profile))
    return out


def _profile_findings(stream, profile: IccProfile | str) -> list[Finding]:
    obj = "OutputIntent DestOutputProfile"
    if isinstance(profile, str):
        return [finding("iso/output-profile", None, obj, f"the profile cannot be read: {profile}")]
    out = [finding("iso/output-profile", None, obj, problem) for problem in profile.problems]
    if profile.problems and profile.length < 132:
        return out
    if profile.device_class != "prtr":
        out.append(finding("iso/output-profile", None, obj, f"a {profile.device_class!r} profile, not an output "
                                                            f"(prtr) profile"))
    if profile.colour_space not in ("CMYK", "GRAY"):
        out.append(finding("iso/output-profile", None, obj, f"a {profile.colour_space} profile: PDF/X-1a prints "
                                                            f"to CMYK or grey"))
    elif profile.colour_space == "GRAY":
        out.append(finding("house/cmyk-output", None, obj, "a grey output profile: the press prints CMYK"))
    n = stream.get("/N")
    expected = {"CMYK": 4, "GRAY": 1}.get(profile.colour_space)
    if expected is not None and n is not None and int(n) != expected:
        out.append(finding("iso/output-profile", None, obj, f"/N {int(n)} for a {profile.colour_space} profile"))
    if profile.version[0] > 2:
        out.append(finding("iso/output-profile", None, obj, f"an ICC version {profile.version[0]}.{profile.version[1]} "
                                                            f"profile; PDF 1.3 knows ICC version 2", "warning"))
    if profile.connection not in ("XYZ", "Lab"):
        out.append(finding("iso/output-profile", None, obj, f"connection space {profile.connection!r}: not XYZ "
                                                            f"or Lab"))
    return out


def box(page: objects.AnyPage, key: str) -> Extent | None:
    value = page.obj.get(key)
    if value is None and key in ("/MediaBox", "/CropBox"):
        # Inheritable: a page may take them from its Pages node (PDF 1.3 §3.6.2).
        node, depth = page.obj.get("/Parent"), 0
        while value is None and isinstance(node, objects.AnyDictionary) and depth < 64:
            value, node, depth = node.get(key), node.get("/Parent"), depth + 1
    try:
        return tuple(float(x) for x in value) if value is not None and len(value) == 4 else None
    except (TypeError, ValueError):
        return None


def page_boxes(page: objects.AnyPage) -> dict[str, Extent | None]:
    return {key[1:]: box(page, key) for key in PAGE_BOXES}


def trim_of(page: objects.AnyPage) -> Extent:
    """The finished page: TrimBox, else ArtBox (ISO lets it stand in), else BleedBox or MediaBox."""
    return (box(page, "/TrimBox") or box(page, "/ArtBox") or box(page, "/BleedBox") or box(page, "/MediaBox")
            or (0.0, 0.0, 612.0, 792.0))


def _box_inside(inner: Extent, outer: Extent) -> bool:
    return (inner[0] >= outer[0] - BOX_TOLERANCE and inner[1] >= outer[1] - BOX_TOLERANCE
            and inner[2] <= outer[2] + BOX_TOLERANCE and inner[3] <= outer[3] + BOX_TOLERANCE)


def box_findings(page: objects.AnyPage, no: int, limits: Limits) -> list[Finding]:
    media, trim, art = box(page, "/MediaBox"), box(page, "/TrimBox"), box(page, "/ArtBox")
    bleed = box(page, "/BleedBox") or box(page, "/CropBox") or media
    out = []
    if trim is None and art is None:
        return [finding("iso/boxes", no, "page", "no TrimBox (nor ArtBox): the print shop cannot know the page's "
                                                 "trimmed size")]
    if trim is not None and art is not None:
        out.append(finding("iso/boxes", no, "page", "both a TrimBox and an ArtBox: PDF/X-1a allows one of them"))
    if trim is None and limits.house:
        out.append(finding("house/trimbox", no, "page", "an ArtBox and no TrimBox: the shop trims to the ArtBox",
                           "warning"))
    finished, name = (trim, "TrimBox") if trim is not None else (art, "ArtBox")
    if bleed is not None and not _box_inside(finished, bleed):
        out.append(finding("iso/boxes", no, "page", f"{name} {list(finished)} is not inside BleedBox {list(bleed)}"))
    if media is None or (bleed is not None and not _box_inside(bleed, media)):
        out.append(finding("iso/boxes", no, "page", f"BleedBox {bleed and list(bleed)} is not inside MediaBox "
                                                    f"{media and list(media)}"))
    if "/SeparationInfo" in page.obj:
        out.append(finding("iso/separated", no, "page", "a pre-separated page (SeparationInfo)"))
    return out


def page_findings(page: objects.AnyPage, no: int) -> list[Finding]:
    """The page dictionary's own: a transparency group, additional actions."""
    out = []
    group = page.obj.get("/Group")
    if isinstance(group, objects.AnyDictionary) and str(group.get("/S", "")) == "/Transparency":
        out.append(finding("iso/transparency", no, "page", "page is a transparency group"))
    if "/AA" in page.obj:
        out += _additional_actions(page.obj, "page", no)
    return out


def annotation_findings(page: objects.AnyPage, no: int, content_rules: Callable, seen_fonts: set,
                        limits: Limits) -> list[Finding]:
    """Annotations inside the bleed; their actions, attachments and appearances (colour, fonts)."""
    annots = page.obj.get("/Annots")
    if not isinstance(annots, objects.AnyArray) or not len(annots):
        return []
    bleed = box(page, "/BleedBox") or box(page, "/TrimBox") or box(page, "/ArtBox") or box(page, "/MediaBox")
    out = []
    for annot in annots:
        if not isinstance(annot, objects.AnyDictionary):
            continue
        subtype = str(annot.get("/Subtype", "/?")).lstrip("/")
        try:
            rect = tuple(float(v) for v in annot.Rect)
            rect = (min(rect[0], rect[2]), min(rect[1], rect[3]), max(rect[0], rect[2]), max(rect[1], rect[3]))
        except (AttributeError, TypeError, ValueError, IndexError):
            rect = None
        at = rect[:2] if rect else None
        obj = f"annotation {subtype}"
        if subtype != "TrapNet" and rect is not None and bleed is not None and (
                rect[0] < bleed[2] and rect[2] > bleed[0] and rect[1] < bleed[3] and rect[3] > bleed[1]):
            out.append(finding("iso/annotations", no, obj, f"a {subtype} annotation inside the BleedBox: it "
                                                           f"would print over the page", position=at))
        if _is_action(annot.get("/A")):
            out += _action_findings(annot.A, obj, no, at)
        if "/AA" in annot:
            out += _additional_actions(annot, obj, no, at)
        if subtype == "FileAttachment" or (isinstance(annot.get("/FS"), objects.AnyDictionary) and "/EF" in annot.FS):
            out.append(finding("iso/embedded-files", no, obj, "a file attachment", position=at))
        appearance = annot.get("/AP")
        normal = appearance.get("/N") if isinstance(appearance, objects.AnyDictionary) else None
        streams = ([normal] if isinstance(normal, objects.AnyStream) else
                   [s for s in normal.values() if isinstance(s, objects.AnyStream)]
                   if isinstance(normal, objects.AnyDictionary) else [])
        for stream in streams:
            events = appearance_events(stream, rect or (0.0, 0.0, 0.0, 0.0), f"{obj} appearance", trim_of(page))
            out += content_rules(events)
            out += font_findings(stream.get("/Resources"), no, seen_fonts, limits)
    return out


def _font_uses(resources, seen: set, depth: int = 0):
    """(resource name, font) for every font a resource dictionary reaches, through forms and patterns,
    each font once per ``seen``."""
    if not isinstance(resources, objects.AnyDictionary) or depth > 12:
        return
    fonts = resources.get("/Font")
    if isinstance(fonts, objects.AnyDictionary):
        for name, font in fonts.items():
            key = font.objgen if font.objgen != (0, 0) else id(font)
            if key in seen:
                continue
            seen.add(key)
            yield name, font
    for group in ("/XObject", "/Pattern"):
        items = resources.get(group)
        if isinstance(items, objects.AnyDictionary):
            for item in items.values():
                if isinstance(item, objects.AnyStream) and "/Resources" in item and item.objgen not in seen:
                    if item.objgen != (0, 0):
                        seen.add(item.objgen)
                    yield from _font_uses(item.Resources, seen, depth + 1)


def embedded_program(font):
    """The embedded font program (FontFile, FontFile2 or FontFile3 of its descriptor, a Type 0 font's
    through its descendant), or None."""
    descendants = font.get("/DescendantFonts")
    target = descendants[0] if isinstance(descendants, objects.AnyArray) and len(descendants) else font
    descriptor = target.get("/FontDescriptor")
    if not isinstance(descriptor, objects.AnyDictionary):
        return None
    return next((descriptor[key] for key in FONT_FILES if key in descriptor), None)


def font_is_embedded(font) -> bool:
    # A Type 3 font's glyphs are content streams in the file.
    return str(font.get("/Subtype", "")) == "/Type3" or embedded_program(font) is not None


def font_findings(resources, no: int, seen: set, limits: Limits) -> list[Finding]:
    out = []
    for name, font in _font_uses(resources, seen):
        subtype = str(font.get("/Subtype", ""))
        base = str(font.get("/BaseFont", font.get("/Name", subtype or "no type"))).lstrip("/")
        obj = f"font {name} ({base})"
        if subtype == "/Type3":
            if limits.house:
                out.append(finding("house/type3", no, obj, "Type 3 font (ISO allows it; its glyphs are drawn "
                                                           "by the file and may be bitmaps)", "warning"))
            continue
        program = embedded_program(font)
        if program is None:
            out.append(finding("iso/fonts", no, obj, "font not embedded"))
        elif isinstance(program, objects.AnyStream):
            out += stream_problems(program.stream_dict, no, obj)
    return out


def page_fonts(page: objects.AnyPage) -> list[tuple[str, object]]:
    """Every font a page uses (its resources, forms, patterns, annotation appearances)."""
    seen: set = set()
    fonts = list(_font_uses(page.obj.get("/Resources"), seen))
    for annot in page.obj.get("/Annots", []) or []:
        appearance = annot.get("/AP") if isinstance(annot, objects.AnyDictionary) else None
        normal = appearance.get("/N") if isinstance(appearance, objects.AnyDictionary) else None
        if isinstance(normal, objects.AnyStream):
            fonts += list(_font_uses(normal.get("/Resources"), seen))
    return fonts

