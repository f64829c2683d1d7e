"""Preflight, standing apart: any PDF (ours or a supplied page or advertisement) checked against
PDF/X-1a:2001 (ISO 15930-1) and the house's rules for coldset newsprint. A walker follows each page's
content as a RIP does; the rules report findings with their rule, page, object and position on the
page, and the shop's report gets each page's figures (ink, resolution, fonts, boxes).

Takes only from ``base``, so it can vet files the engine did not make. Hands on ``Finding``s and
``PageFigures``."""
