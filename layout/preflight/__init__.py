"""Preflight, standing apart: any PDF (ours or a supplied page or advertisement) checked against
PDF/X-1a:2001 for coldset newsprint. A walker follows each page's content as a RIP does; the rules
report findings with their rule, page and object.

Takes only from ``base``, so it can vet files the engine did not make. Hands on ``Finding``s."""
