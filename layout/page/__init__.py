"""Stage 4, the pages: each story flowed through its chain of frames (jump lines written, overset
reported), the furniture (masthead, running heads, headlines, boxes, photos), the copyfit figures,
proof marks, and the assembly of every page as a display list of drawing items.

Takes ``Issue`` (``issue``) and composes with ``compose``. Hands on ``IssueLayout``: pages of
``TextRun``, ``Rule``, ``Rectangle`` and ``Picture`` items, and each story's flow."""
