"""``labkit translate``: update and build a folder's catalogs; check exits 1 on drift."""

from __future__ import annotations

import nbformat

from labkit.cli import main
from labkit.i18n.notebooks import dump_catalog, load_catalog


def test_update_build_and_check(tmp_path, capsys) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# 01 · Title", id="t"),
        nbformat.v4.new_code_cell("x = 1", id="c"),
    ]
    nbformat.write(notebook, tmp_path / "01_x.ipynb")

    def run(action: str) -> int:
        return main(["translate", action, "--notebooks", str(tmp_path)])

    assert run("check") == 1
    assert "01_x.ipynb: no catalog i18n/ja/01_x.yaml" in capsys.readouterr().out
    assert run("update") == 0
    catalog_file = tmp_path / "i18n" / "ja" / "01_x.yaml"
    catalog = load_catalog(catalog_file, "ja", "01_x.ipynb")
    catalog.entries[0].text = "# 01 · 題"
    catalog_file.write_text(dump_catalog(catalog), encoding="utf-8")
    assert run("build") == 0
    assert f"wrote {tmp_path / 'ja' / '01_x.ipynb'}" in capsys.readouterr().out
    assert run("check") == 0
    assert capsys.readouterr().out.strip() == "in step"
    built = nbformat.read(tmp_path / "ja" / "01_x.ipynb", as_version=4)
    assert [c.source for c in built.cells] == ["# 01 · 題", "x = 1"]


def test_diff_shows_how_the_english_changed(tmp_path, capsys) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("# 01 · Title\n\nOld line.", id="t")]
    nbformat.write(notebook, tmp_path / "01_x.ipynb")
    main(["translate", "update", "--notebooks", str(tmp_path)])
    catalog_file = tmp_path / "i18n" / "ja" / "01_x.yaml"
    catalog = load_catalog(catalog_file, "ja", "01_x.ipynb")
    catalog.entries[0].text = "# 01 · 題\n\n古い行。"
    catalog_file.write_text(dump_catalog(catalog), encoding="utf-8")
    notebook.cells[0].source = "# 01 · Title\n\nNew line."
    nbformat.write(notebook, tmp_path / "01_x.ipynb")
    main(["translate", "update", "--notebooks", str(tmp_path)])
    capsys.readouterr()
    assert main(["translate", "diff", "--notebooks", str(tmp_path)]) == 0
    shown = capsys.readouterr().out
    assert "-Old line.\n+New line." in shown and "01_x.ipynb t (now)" in shown
