"""Stage 1, type: the committed font files as faces (advances, ``halt`` data, bearings), the role →
fallback chains of a font set, the repertoires the fonts must cover, and TrueType subsets cut from
a font's tables for embedding.

Takes from ``base``. Hands on ``FontSet`` and ``Face`` (to ``compose``) and ``FontProgram``
(to ``pdf``)."""
