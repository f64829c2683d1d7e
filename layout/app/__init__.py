"""The application: the pipeline from an issue file to its files (lay out, write, preflight each
file before it is put in place, copyfit report), and the commands built on it — the CLI, batch
rendering of the archive, watch, diff and the PNG previews.

Takes from every stage; nothing imports it (``python -m layout`` runs its CLI)."""
