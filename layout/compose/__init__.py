"""Stage 2, composition: Chinese text set to the rules of W3C clreq. A paragraph of styled spans
is cut into atoms (units a line may hold), broken into lines at a measure, and each line set:
its units and where each starts, and from them its glyphs and runs.

Takes from ``base`` and ``fonts``; knows no issue, page or PDF. Hands on ``Line`` (with its
``Run``s), ``Paragraph``, the composition settings and their enums."""
