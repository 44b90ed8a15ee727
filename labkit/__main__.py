"""``python -m labkit`` runs the command-line interface."""

from labkit.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
