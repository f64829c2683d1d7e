"""The PDF objects the rules work on, from either reader: the engine's own (``reader.py``, for the
files it writes) or pikepdf (for any other PDF). A rule asks ``isinstance(x, objects.Dictionary)``
and is answered for both; pikepdf is imported only when a file is opened with it, so a render whose
files the own reader reads never loads it."""

from __future__ import annotations

import sys

from . import reader


def _pikepdf():
    return sys.modules.get("pikepdf")


class _EitherMeta(type):
    """isinstance for the own reader's class and, once pikepdf is loaded, pikepdf's of the same name."""

    def __instancecheck__(cls, obj) -> bool:
        if isinstance(obj, cls.own):
            return True
        pikepdf = _pikepdf()
        return pikepdf is not None and isinstance(obj, getattr(pikepdf, cls.pikepdf_name))


class AnyDictionary(metaclass=_EitherMeta):
    own, pikepdf_name = reader.PdfDict, "Dictionary"


class AnyArray(metaclass=_EitherMeta):
    own, pikepdf_name = reader.PdfArray, "Array"


class AnyStream(metaclass=_EitherMeta):
    own, pikepdf_name = reader.PdfStream, "Stream"


class AnyString(metaclass=_EitherMeta):
    own, pikepdf_name = reader.PdfString, "String"


class _AnyNameMeta(_EitherMeta):
    def __getattr__(cls, key: str):
        if key.startswith("_"):
            raise AttributeError(key)
        return reader.PdfName("/" + key)     # Name.DeviceGray, as pikepdf writes it


class AnyName(metaclass=_AnyNameMeta):
    own, pikepdf_name = reader.PdfName, "Name"


class AnyInlineImage(metaclass=_EitherMeta):
    own, pikepdf_name = type("NoInlineImage", (), {}), "ContentStreamInlineImage"   # the own reader declines them


def read_errors() -> tuple[type[BaseException], ...]:
    """The exceptions a damaged file or stream raises, from either reader (for ``except``: evaluated
    when an exception is being handled, so pikepdf's are included once it is loaded)."""
    pikepdf = _pikepdf()
    return (reader.PdfError,) if pikepdf is None else (reader.PdfError, pikepdf.PdfError)


def empty_dictionary():
    return reader.PdfDict()


def empty_array():
    return reader.PdfArray()


def parse_content_stream(content):
    """A page's or a form's content as instructions (``.operands``, ``.operator``)."""
    if isinstance(content, (reader.ReadPage, reader.PdfStream)):
        try:
            return reader.parse_content(reader.content_of(content, content.doc), content.doc)
        except reader.PdfError as exc:
            raise content.doc.decline(str(exc)) from None    # pikepdf may read what this reader cannot
    import pikepdf

    return pikepdf.parse_content_stream(content)


def read_its_table(pdf) -> bool:
    """Did the own reader read the file, and so its last cross-reference section as a classic table
    (it declines a stream)? Then the file need not be opened again to ask."""
    return isinstance(pdf, reader.ReadFile)


def may_hold_inline_images(content) -> bool:
    """Can the content's instructions include an inline image? Not from the own reader, which declines
    a stream that holds one (the walker then skips asking every instruction)."""
    return not isinstance(content, (reader.ReadPage, reader.PdfStream))


def operator(inst) -> str:
    return inst.operator if type(inst.operator) is str else str(inst.operator)


def image_of(image):
    """An image stream's samples as a Pillow image."""
    if isinstance(image, reader.PdfStream):
        return reader.decoded_image(image)
    import pikepdf

    return pikepdf.PdfImage(image).as_pil_image()


def image_samples(image) -> bytes:
    """An image stream's samples, decoded from its filters."""
    if isinstance(image, reader.PdfStream):
        return image.read_bytes()
    import pikepdf

    return pikepdf.PdfImage(image).read_bytes()


def open_with_pikepdf(path):
    """The file opened by pikepdf (any PDF); its errors as pikepdf raises them."""
    import pikepdf

    return pikepdf.open(path)


def password_error():
    import pikepdf

    return pikepdf.PasswordError


class AnyPage(metaclass=_EitherMeta):
    own, pikepdf_name = reader.ReadPage, "Page"
