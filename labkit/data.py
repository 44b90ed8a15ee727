"""Load labkit's data files (policies, scenarios) and fill their placeholders.

The files live in the repository's ``data/`` folder; ``labkit/_data`` links to it so that
``importlib.resources`` finds them both in a checkout and in an installed wheel.
Placeholders are ``{{name}}`` tokens such as ``{{account_id}}``; every token in a file must be
given a value, so a forgotten placeholder fails loudly instead of reaching a policy.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")


class MissingPlaceholder(KeyError):
    """A data file uses a ``{{name}}`` that the caller did not supply."""


class DataFileError(ValueError):
    """A data file is not what labkit reads: the message names the file, the place and the fix."""


def data_root() -> Traversable:
    """The folder holding ``policies/`` and ``scenarios/``."""
    return resources.files("labkit").joinpath("_data")


def fill(text: str, values: Mapping[str, str]) -> str:
    """Replace every ``{{name}}`` in ``text`` with ``values[name]``."""

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise MissingPlaceholder(
                f"placeholder {{{{{name}}}}} has no value; pass {name}=... (have: {sorted(values)})"
            )
        return str(values[name])

    return _PLACEHOLDER.sub(substitute, text)


def _read(folder: str, name: str) -> str:
    path = data_root().joinpath(folder, f"{name}.json")
    if not path.is_file():
        known = ", ".join(list_names(folder)) or "none"
        raise FileNotFoundError(
            f"no {folder[:-1]} named {name!r} in data/{folder}/ (known: {known})"
        )
    return path.read_text(encoding="utf-8")


def list_names(folder: str) -> list[str]:
    """Names (file stems) of the JSON files in ``data/<folder>/``."""
    root = data_root().joinpath(folder)
    if not root.is_dir():
        return []
    return sorted(p.name[:-5] for p in root.iterdir() if p.name.endswith(".json"))


def policy_text(name: str, **values: str) -> str:
    """The text of ``data/policies/<name>.json`` with its placeholders filled."""
    return fill(_read("policies", name), values)


def policy_names() -> list[str]:
    """Every policy template shipped in ``data/policies``."""
    return list_names("policies")


def scenario(name: str) -> dict[str, Any]:
    """The scenario ``data/scenarios/<name>.json`` as a dict (placeholders are not used there).

    Raises :class:`DataFileError` naming the file, line and column if it is not a JSON object.
    """
    source = f"data/scenarios/{name}.json"
    try:
        value = json.loads(_read("scenarios", name))
    except json.JSONDecodeError as err:
        raise DataFileError(
            f"{source}: line {err.lineno}, column {err.colno}: not valid JSON ({err.msg}); "
            "fix the JSON there"
        ) from None
    except (UnicodeDecodeError, RecursionError) as err:
        raise DataFileError(
            f"{source}: not readable JSON text ({type(err).__name__}); save it as UTF-8 JSON"
        ) from None
    if not isinstance(value, dict):
        raise DataFileError(
            f"{source}: the document must be a JSON object, not {type(value).__name__}"
        )
    return value


def scenario_names() -> list[str]:
    """Every scenario shipped in ``data/scenarios``."""
    return list_names("scenarios")
