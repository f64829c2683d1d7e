"""A page of a supplied PDF (an advertisement) as a form XObject of ours: its content and resources
copied object by object into the document being written, so it prints as the advertiser made it.

Takes the supplied file's path and page number (the file has passed preflight on its way in: see
app/pipeline.py) and hands on a form XObject, placed by the page writer like an image. The copy is
deterministic: dictionary keys in sorted order, streams copied with their filters as they are."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..issue.supplied import page_box
from .objects import Document, Name, Ref, Stream, deflated


@lru_cache(maxsize=16)
def file_digest(path: Path) -> str:
    """SHA-256 of a supplied file: names its XObject, the same on every machine."""
    import hashlib

    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _open(path: Path):
    import pikepdf

    return pikepdf.open(path)


def add_form(doc: Document, path: Path, index: int) -> Ref:
    """The page as a form XObject in ``doc``: its contents joined into one stream, its resources
    and everything they refer to copied; its BBox the placed box."""
    import pikepdf

    with _open(path) as pdf:
        page = pdf.pages[index]
        copied: dict[tuple[int, int], Ref] = {}
        contents = page.obj.get("/Contents")
        parts = [contents] if isinstance(contents, pikepdf.Stream) else list(contents or [])
        # Joined decoded: a page's content may be split across streams at any token boundary.
        data = b"\n".join(part.read_bytes() for part in parts)
        resources = page.obj.get("/Resources", pikepdf.Dictionary())
        form = {"Type": Name("XObject"), "Subtype": Name("Form"), "FormType": 1,
                "BBox": list(page_box(page)), "Resources": _copy(doc, resources, copied)}
        return doc.add(deflated(data, form))


def _copy(doc: Document, obj, copied: dict[tuple[int, int], Ref]):
    """A pikepdf object as the writer's: indirect objects copied once each, in first-seen order."""
    import pikepdf

    if isinstance(obj, pikepdf.Object) and obj.is_indirect:
        key = obj.objgen
        if key in copied:
            return copied[key]
        ref = copied[key] = doc.reserve()
        doc.add(_copy_direct(doc, obj, copied), ref)
        return ref
    return _copy_direct(doc, obj, copied)


def _copy_direct(doc: Document, obj, copied):
    import decimal

    import pikepdf

    if isinstance(obj, pikepdf.Stream):
        entries = {str(k)[1:]: _copy(doc, v, copied) for k, v in sorted(obj.stream_dict.items()) if k != "/Length"}
        return Stream(obj.read_raw_bytes(), entries)
    if isinstance(obj, pikepdf.Dictionary):
        return {str(k)[1:]: _copy(doc, v, copied) for k, v in sorted(obj.items())}
    if isinstance(obj, pikepdf.Array):
        return [_copy(doc, v, copied) for v in obj]
    if isinstance(obj, pikepdf.Name):
        return Name(str(obj)[1:])
    if isinstance(obj, pikepdf.String):
        return b"<" + bytes(obj).hex().upper().encode("ascii") + b">"
    if isinstance(obj, decimal.Decimal):
        return float(obj)
    if isinstance(obj, (bool, int, float)) or obj is None:
        return obj
    raise TypeError(f"cannot copy a {type(obj).__name__} from a supplied PDF")
