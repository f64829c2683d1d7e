"""The print standard the engine writes and preflight checks: PDF/X-1a:2001 on coldset newsprint
(ISO 12647-3). One place, so the writer, the model's defaults, preflight and the CLI cannot drift."""

PDFX = "PDF/X-1a:2001"          # the standard's name
PDFX_VERSION = "PDF/X-1:2001"   # GTS_PDFXVersion as ISO 15930-1 gives it (the part, not the level)
PDFX_CONFORMANCE = PDFX         # GTS_PDFXConformance: the conformance level
INK_LIMIT = 240.0               # percent total ink, ISOnewspaper26v4
WARN_PPI = 200.0                # a photo below this where placed is reported
MIN_PPI = 100.0                 # and below this refused
