"""The one mark the optional compiled build needs in the code (mypyc, see README.md "Compiled build").

mypyc makes each class of a compiled module a native class, and a native class cannot inherit from
str, dict or list; ``@mypyc_attr(native_class=False)`` keeps such a class a Python class. The mark is
mypy_extensions' (mypyc recognises it by that name). A pure-Python install need not have
mypy_extensions: then the mark is a no-op, which is all it is outside mypyc anyway."""

from __future__ import annotations

try:
    from mypy_extensions import mypyc_attr
except ImportError:                     # pure Python without mypy_extensions: nothing to mark
    def mypyc_attr(*attrs, **kwattrs):
        return lambda cls: cls
