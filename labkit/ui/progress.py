"""Progress of a long step in a notebook: one line shown while the step runs, cleared after.

Outside IPython (scripts, the command line) nothing is shown. In a notebook the line is a
display with an ID that each new text replaces and ``None`` empties, so a finished cell keeps
only what the step returned.
"""

from __future__ import annotations

from typing import Any

from IPython import get_ipython
from IPython.display import display

STEP = "⏳ {text}"


class NotebookProgress:
    """Shows the latest text of a long step under the running cell; ``None`` clears it."""

    def __init__(self) -> None:
        self._handle: Any = None

    def __call__(self, text: str | None) -> None:
        if get_ipython() is None:
            return
        shown = {"text/plain": STEP.format(text=text) if text else ""}
        if self._handle is None:
            if text is None:
                return
            self._handle = display(shown, raw=True, display_id=True)
        else:
            self._handle.update(shown, raw=True)
        if text is None:
            self._handle = None
