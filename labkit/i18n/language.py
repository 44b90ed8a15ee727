"""Which language labkit speaks: chosen explicitly, by ``LABKIT_LANG``, or by JupyterLab's locale.

The order: :func:`set_language` (``labkit.start(lang=...)``), then the ``LABKIT_LANG``
environment variable, then the locale JupyterLab's translation extension is set to (*Settings →
Language*), read from the user-settings folder the server shares with its kernels
(``JUPYTERLAB_SETTINGS_DIR``, or JupyterLab's default folder in a kernel a Jupyter server
started, which has ``JPY_SESSION_NAME``), then English. Outside a kernel (the CLI, scripts,
tests) JupyterLab's default folder is not read. Unknown languages fall back to English;
:func:`normalize` says which are known.
"""

from __future__ import annotations

import json
import os
import re
from functools import cache
from pathlib import Path

SUPPORTED: tuple[str, ...] = ("en", "ja")
ENV_VARIABLE = "LABKIT_LANG"
TRANSLATION_SETTINGS = Path("@jupyterlab", "translation-extension", "plugin.jupyterlab-settings")

_chosen: str | None = None
_automatic: str | None = None  # LABKIT_LANG, else JupyterLab's locale: read once per process


@cache
def normalize(tag: str | None) -> str | None:
    """``"ja_JP.UTF-8"``, ``"ja-JP"``, ``"ja"`` → ``"ja"``; None for an unknown or empty tag."""
    if not tag:
        return None
    base = re.split(r"[_.@-]", tag.strip().lower(), maxsplit=1)[0]
    return base if base in SUPPORTED else None


def set_language(tag: str | None) -> str:
    """Choose labkit's language for this process (None: back to the automatic choice).

    Raises ``ValueError`` for a language labkit has no words in, naming the ones it has.
    """
    global _chosen, _automatic
    if tag is None:
        _chosen = _automatic = None  # LABKIT_LANG and JupyterLab's locale are read again
        return current_language()
    found = normalize(tag)
    if found is None:
        raise ValueError(
            f"labkit has no messages in {tag!r}: choose one of {', '.join(SUPPORTED)} "
            f"(e.g. labkit.start(lang='ja') or {ENV_VARIABLE}=ja)"
        )
    _chosen = found
    return found


def current_language() -> str:
    """The language labkit speaks now (see the module docstring for the order).

    Called for every message (an explanation makes dozens), so cheap: ``LABKIT_LANG`` and
    JupyterLab's locale are read once per process — a kernel picks up a new choice when it
    restarts, and ``set_language(None)`` reads both again.
    """
    global _automatic
    if _chosen is not None:
        return _chosen
    if _automatic is None:
        from_env = os.environ.get(ENV_VARIABLE)
        if from_env:
            _automatic = normalize(from_env) or "en"
        else:
            _automatic = normalize(jupyterlab_locale(settings_dir())) or "en"
    return _automatic


def settings_dir() -> str | None:
    """JupyterLab's user-settings folder for this process, if it runs under a Jupyter server."""
    given = os.environ.get("JUPYTERLAB_SETTINGS_DIR")
    if given or not os.environ.get("JPY_SESSION_NAME"):
        return given
    config = os.environ.get("JUPYTER_CONFIG_DIR") or str(Path.home() / ".jupyter")
    return str(Path(config, "lab", "user-settings"))


def jupyterlab_locale(settings_dir: str | None) -> str | None:
    """The ``locale`` of JupyterLab's translation extension in ``settings_dir``, if set there.

    The file is JSON5-ish (JupyterLab writes ``//`` comments); lines starting with ``//`` are
    dropped before parsing. None when the folder, the file or the setting is missing.
    """
    if not settings_dir:
        return None
    path = Path(settings_dir, TRANSLATION_SETTINGS)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    kept = "\n".join(line for line in text.splitlines() if not line.strip().startswith("//"))
    try:
        value = json.loads(kept).get("locale")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) and value != "default" else None
