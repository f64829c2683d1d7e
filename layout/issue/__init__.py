"""Stage 3, the issue as the editor wrote it: YAML read as nodes that remember file, line and key;
the frozen model (template, paper, pages, stories, frames, boxes, photos); the loader that builds
it and names every mistake; and the input checks of photos (decodable, resolution where placed).

Takes from ``base`` and, for the composition settings a template chooses, ``compose.settings``.
Hands on ``Issue``."""
