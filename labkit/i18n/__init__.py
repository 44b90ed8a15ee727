"""labkit's own words in the learner's language (gettext), and the course's notebook catalogs.

``_("text")`` translates one of labkit's messages into the current language; ``N_("text")`` marks
a module-level string for extraction and is translated where it is shown. The language is chosen
by :func:`set_language` (``labkit.start(lang="ja")``), else ``LABKIT_LANG``, else the JupyterLab
locale of the server the kernel runs under, else English (:mod:`labkit.i18n.language`).
AWS's own texts (AccessDenied messages, error codes, CLI output) are never passed through ``_``.
"""

from __future__ import annotations

from labkit.i18n.language import SUPPORTED, current_language, normalize, set_language
from labkit.i18n.messages import N_, _, ngettext

__all__ = ["N_", "SUPPORTED", "_", "current_language", "ngettext", "normalize", "set_language"]
