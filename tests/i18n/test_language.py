"""Which language labkit speaks: explicit choice, LABKIT_LANG, JupyterLab's locale, English."""

from __future__ import annotations

import pytest

from labkit.i18n import language
from labkit.i18n.language import current_language, jupyterlab_locale, normalize, set_language


@pytest.fixture(autouse=True)
def _automatic(monkeypatch):
    monkeypatch.delenv("LABKIT_LANG", raising=False)
    for name in ("JUPYTERLAB_SETTINGS_DIR", "JPY_SESSION_NAME", "JUPYTER_CONFIG_DIR"):
        monkeypatch.delenv(name, raising=False)
    set_language(None)
    yield
    # forget the choice without reading it again: monkeypatch puts the environment back only
    # after this teardown, and a choice read now would outlive the test
    language._chosen = language._automatic = None


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("ja", "ja"), ("ja_JP", "ja"), ("ja-JP", "ja"), ("ja_JP.UTF-8", "ja"), ("JA", "ja"),
     ("en_US", "en"), ("fr", None), ("", None), (None, None), ("C.UTF-8", None)],
)  # fmt: skip
def test_normalize(tag, expected) -> None:
    assert normalize(tag) == expected


def test_english_by_default() -> None:
    assert current_language() == "en"


def test_the_environment_variable_chooses(monkeypatch) -> None:
    monkeypatch.setenv("LABKIT_LANG", "ja_JP.UTF-8")
    assert set_language(None) == "ja"  # read once per process: set_language(None) reads again
    assert current_language() == "ja"
    monkeypatch.setenv("LABKIT_LANG", "klingon")
    assert current_language() == "ja"  # not read again on every message
    assert set_language(None) == "en"  # unknown: English, never an error at import


def test_an_explicit_choice_beats_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("LABKIT_LANG", "en")
    assert set_language("ja") == "ja"
    assert current_language() == "ja"
    assert set_language(None) == "en"


def test_an_unknown_language_is_refused_with_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"no messages in 'fr'.*en, ja"):
        set_language("fr")
    assert current_language() == "en"  # unchanged


def _settings(tmp_path, text: str):
    path = tmp_path / language.TRANSLATION_SETTINGS
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    return str(tmp_path)


def test_the_jupyterlab_locale_chooses(tmp_path, monkeypatch) -> None:
    folder = _settings(tmp_path, '{\n  // written by JupyterLab\n  "locale": "ja_JP"\n}\n')
    monkeypatch.setenv("JUPYTERLAB_SETTINGS_DIR", folder)  # as the server gives its kernels
    assert set_language(None) == "ja"  # (the fixture's own call read no folder and cached that)
    assert current_language() == "ja"
    monkeypatch.setenv("LABKIT_LANG", "en")  # the variable beats the locale
    assert set_language(None) == "en"


@pytest.mark.parametrize("text", ['{"locale": "default"}', "{not json", '{"theme": "dark"}', "[]"])
def test_a_jupyterlab_settings_file_without_a_usable_locale_is_english(tmp_path, text) -> None:
    assert jupyterlab_locale(_settings(tmp_path, text)) is None


def test_no_settings_folder_no_locale(tmp_path) -> None:
    assert jupyterlab_locale(None) is None
    assert jupyterlab_locale(str(tmp_path / "nowhere")) is None


def test_start_takes_lang(monkeypatch) -> None:
    import labkit.ui.notebook_lab as notebook_lab

    seen = {}
    monkeypatch.setattr(notebook_lab, "start_lab", lambda backend, **kw: seen.update(kw) or "lab")
    assert notebook_lab.start(lang="ja", scenario="walkthrough") == "lab"
    assert current_language() == "ja" and seen["scenario"] == "walkthrough"
    assert "lang" not in seen
    assert seen["lab_class"] is notebook_lab.NotebookLab


def test_a_kernel_of_a_jupyter_server_reads_jupyterlabs_default_folder(
    tmp_path, monkeypatch
) -> None:
    _settings(tmp_path / "lab" / "user-settings", '{"locale": "ja_JP"}')
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path))
    assert current_language() == "en"  # a script or the CLI: JupyterLab's folder is not read
    monkeypatch.setenv("JPY_SESSION_NAME", "/notebooks/00_start.ipynb")  # set by jupyter_server
    assert current_language() == "en"  # read once per process: a kernel restart picks it up
    set_language(None)
    assert current_language() == "ja"
