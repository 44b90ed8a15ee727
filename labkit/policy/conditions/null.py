"""The ``Null`` operator: ``"true"`` if the key is absent from the request, ``"false"`` if present.

A multivalued key with an empty list counts as absent (see ``docs/fidelity/policy.md``).
"""

from __future__ import annotations

from collections.abc import Sequence

from labkit.policy.conditions.base import Matcher, OperatorSpec
from labkit.policy.conditions.boolean import check_bool
from labkit.policy.variables import Template


def build_null(templates: Sequence[Template]) -> Matcher:
    """Matcher over the presence flag: called with ``"true"`` when the key is absent."""
    wanted = frozenset(t.raw.lower() for t in templates)
    return lambda absent, _context: absent in wanted


OPERATORS = (OperatorSpec("Null", "Null", build_null, check_value=check_bool),)
