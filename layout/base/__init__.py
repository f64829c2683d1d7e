"""Stage 0, the ground everything stands on: the engine's one error type, units and geometry,
files written whole (temporary name, then rename), the disk cache, the paths of the package data
and the committed fonts, and the print standard the engine writes and checks.

Takes nothing from the other packages; every other package may take from it."""
