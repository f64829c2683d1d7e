"""`python -m layout`: the same command as `layout`."""

from .app.cli import main

main(prog_name="layout")
