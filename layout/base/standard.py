"""The print standard the engine writes and preflight checks: PDF/X-1a:2001 on coldset newsprint
(ISO 12647-3). One place, so the writer, the model's defaults, preflight and the CLI cannot drift."""

PDFX = "PDF/X-1a:2001"          # GTS_PDFXVersion and GTS_PDFXConformance
INK_LIMIT = 240.0               # percent total ink, ISOnewspaper26v4
WARN_PPI = 200.0                # a photo below this where placed is reported
MIN_PPI = 100.0                 # and below this refused
