"""Presentation defaults: Okabe-Ito colours, and the words and symbols that carry the meaning.

Colour is never the only signal: every decision is shown as a symbol plus words, so the tables
read the same in greyscale and for colour-blind readers.
"""

from __future__ import annotations

import pandas as pd

from labkit.i18n import N_, _

# Okabe & Ito (2008), "Color Universal Design": a palette distinguishable by all common forms
# of colour blindness.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "grey": "#7F7F7F",
}

DECISION_STYLE: dict[str, tuple[str, str, str]] = {
    # decision: (symbol, words, colour)
    # words marked N_ here, translated where shown (decision_parts)
    "Allowed": ("✔", N_("allowed"), OKABE_ITO["bluish_green"]),
    "ImplicitlyDenied": ("✖", N_("denied (no allow)"), OKABE_ITO["orange"]),
    "ExplicitlyDenied": ("⊘", N_("denied (explicit deny)"), OKABE_ITO["vermillion"]),
}
NO_DECISION = ("…", N_("no decision"), OKABE_ITO["grey"])
CHANGE_COLOUR = OKABE_ITO["blue"]


def decision_parts(decision: object) -> tuple[str, str, str]:
    """(symbol, words, colour) for a decision value (or for a missing one), the words in the
    learner's language."""
    symbol, words, colour = (
        NO_DECISION if is_missing(decision) else DECISION_STYLE.get(str(decision), NO_DECISION)
    )
    return symbol, _(words), colour


def decision_label(decision: object) -> str:
    """Symbol and words: ``"✔ allowed"``, ``"✖ denied (no allow)"``,
    ``"⊘ denied (explicit deny)"``, or ``"… no decision"`` (never reached authorization)."""
    symbol, words, _colour = decision_parts(decision)
    return f"{symbol} {words}"


def is_missing(value: object) -> bool:
    """True for None, ``pd.NA`` and NaN (what a probe frame uses for "unknown")."""
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and value != value


def change_label(before: object, after: object) -> str:
    """A decision that changed, in the table's symbols: ``"✖ → ✔ now allowed"``,
    ``"✔ → ⊘ now denied (explicit deny)"``, ``"✖ → ⊘ now denied (explicit deny)"``..."""
    was, (now, words, _colour) = decision_parts(before)[0], decision_parts(after)
    return f"{was} → {now} " + _("now {words}").format(words=words)


def path_label(via_endpoint: object) -> str:
    """How the call travelled: through the endpoint, the public path, or unknown."""
    if is_missing(via_endpoint):
        return "? " + _("unknown")
    return "⇢ " + (_("endpoint") if bool(via_endpoint) else _("public"))


def legend() -> str:
    """One line naming every symbol (tables and the diagram use the same ones)."""
    parts = [f"{symbol} {_(words)}" for symbol, words, _colour in DECISION_STYLE.values()]
    return " · ".join([*parts, f"{NO_DECISION[0]} {_(NO_DECISION[1])}"])
