"""How the course notebooks show things: a LabError as its problem and fix, pandas tables
without words broken at a hyphen.

IPython would print a traceback through labkit's internals; the learner needs two lines. The
error still counts as an error (red output, Run All stops there), only shorter.
"""

from __future__ import annotations

from typing import Any

from IPython import get_ipython
from IPython.display import display

from labkit.backend.errors import LabError
from labkit.i18n import _


def brief(error: LabError) -> list[str]:
    """The lines shown for ``error``: its class, the problem, and the fix."""
    return [f"{type(error).__name__}: {error.problem}", _("Fix: {fix}").format(fix=error.fix)]


def _handler(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: Any = None) -> Any:
    if not isinstance(value, LabError):
        return shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
    lines = brief(value)
    shell._showtraceback(etype, value, lines)
    return lines


WHOLE_WORDS_CSS = "<style>table.dataframe td, table.dataframe th {white-space: nowrap;}</style>"


def show_whole_words() -> None:
    """In a notebook, keep each cell of a pandas table on one line: a name such as
    ``logs-test-allowed`` is never broken at a hyphen (a wide table scrolls sideways instead)."""
    if get_ipython() is not None:
        display({"text/html": WHOLE_WORDS_CSS}, raw=True)  # no text: nothing shows


def show_lab_errors_briefly() -> None:
    """In IPython, show a LabError as :func:`brief` says (no-op elsewhere; safe to repeat)."""
    shell = get_ipython()
    if shell is not None:
        shell.set_custom_exc((LabError,), _handler)
