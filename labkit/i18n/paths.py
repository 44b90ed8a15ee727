"""Where the course lives in a source tree: the English notebooks and their translations."""

from __future__ import annotations

from pathlib import Path

#: ``notebooks/``: the English ``NN_slug.ipynb``, ``i18n/<lang>/`` catalogs, ``<lang>/`` output.
NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
