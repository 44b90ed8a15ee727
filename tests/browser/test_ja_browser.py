"""The Japanese course in a real browser: a private JupyterLab in Japanese (the language pack,
locale ja_JP, LABKIT_LANG=ja) runs three Japanese notebooks with Run All at 1024×768 in Debian
chromium: 05 (the playground's widgets and the diagram), 04 (tables, the exercise) and 10 (every
path around the endpoint). Each must run without a Python error, a widget error or a console
error, pass the English course test's page checks (:func:`course.page_problems`), and draw every
character on the page (menus, Japanese prose, the widgets, the diagram) with a real glyph, not a
tofu box. The CJK font is Debian's fonts-noto-cjk (.ci/run installs it). The other notebooks run
headless in Japanese (tests/notebooks/test_ja_notebooks.py); the whole course runs in the browser
in English (test_course_even.py, test_course_odd.py), so this file adds three notebooks, not
eleven, to the browser suite.

How a missing glyph is told apart: each character is drawn on a canvas in the font its element
uses; chromium falls back through the installed fonts as it does for the page, and a character
no font covers comes out as the .notdef glyph (a box) or nothing. The same drawing of a code
point no font has (U+10FFFD) is the tofu to compare with; the test first proves the detector
flags that and a noncharacter, and passes 日本語.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from course import CoursePage, all_cells_ran, errors_shown, page_problems
from labserver import JupyterLab, alive

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ("05_playground.ipynb", "04_the_results.ipynb", "10_around_the_endpoint.ipynb")
#: Where each notebook must show characters (besides prose and JupyterLab's own).
SHOWN_IN = {"05_playground.ipynb": {"widgets", "diagram"}}
VIEWPORT = {"width": 1024, "height": 768}
IDLE = "アイドル"  # JupyterLab's status bar in Japanese
CJK_FONT = "Noto Sans CJK JP"
WAIT_MS = 180_000
LOCALE_SETTING = "@jupyterlab/translation-extension/plugin.jupyterlab-settings"

#: (char, family) -> {"tofu": bool, "blank": bool}; chars drawn at 32 px on a 48 px canvas.
GLYPH_CHECK = """
async ([chars, cjkFont]) => {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 48;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  const draw = (text, family) => {
    ctx.clearRect(0, 0, 48, 48);
    ctx.font = `32px ${family}`;
    ctx.textBaseline = 'top';
    ctx.fillStyle = '#000';
    ctx.fillText(text, 4, 4);
    return ctx.getImageData(0, 0, 48, 48).data;
  };
  const same = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);
  const out = [];
  for (const [ch, family] of chars) {
    const tofu = draw('\\u{10FFFD}', family);
    const got = draw(ch, family);
    out.push({ch, family, tofu: same(got, tofu), blank: got.every(v => v === 0)});
  }
  let installed = false;
  try {
    const face = new FontFace('labkit-cjk-probe', `local("${cjkFont}")`);
    await face.load();
    document.fonts.add(face);
    installed = document.fonts.check('16px labkit-cjk-probe', '日本語');
  } catch (e) { installed = false; }
  return {results: out, installed};
}
"""

#: Every visible character above U+007F on the page with the font family of its element.
PAGE_CHARS = """
() => {
  const seen = new Map();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!el || !el.getClientRects().length) continue;  // not rendered
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden') continue;
    const where = el.closest('.labkit-diagram') ? 'diagram'
      : el.closest('.jupyter-widgets, .widget-output, .labkit-results-view') ? 'widgets'
      : el.closest('.jp-MarkdownOutput') ? 'prose' : 'jupyterlab';
    for (const ch of walker.currentNode.textContent) {
      if (ch.codePointAt(0) <= 0x7f || /\\s/.test(ch)) continue;
      const key = ch + '\\u0000' + style.fontFamily;
      if (!seen.has(key)) seen.set(key, [ch, style.fontFamily, where]);
    }
  }
  return [...seen.values()];
}
"""


@pytest.fixture(scope="module")
def jupyter(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Iterator[JupyterLab]:
    root = tmp_path_factory.mktemp("root")
    for name in NOTEBOOKS:
        shutil.copy(ROOT / "notebooks" / "ja" / name, root / name)
    home = tmp_path_factory.mktemp("jupyter-home")
    server = JupyterLab(root, home)
    locale = Path(server.env["JUPYTERLAB_SETTINGS_DIR"], LOCALE_SETTING)
    locale.parent.mkdir(parents=True, exist_ok=True)
    locale.write_text(json.dumps({"locale": "ja_JP"}), encoding="utf-8")
    server.env["LABKIT_LANG"] = "ja"  # what `make lab LANG=ja` sets
    started: list[int] = []
    try:
        server.start()
        yield server
    finally:
        started = server.stop()
    assert not alive(started), f"processes left running: {alive(started)}"


@pytest.fixture(scope="module")
def ja_page(browser: Any, jupyter: JupyterLab) -> Iterator[CoursePage]:
    """One JupyterLab page in Japanese for the three notebooks (see tests/browser/course.py)."""
    viewport = (VIEWPORT["width"], VIEWPORT["height"])
    with CoursePage(browser, jupyter, viewport=viewport, locale="ja-JP", idle=IDLE) as page:
        yield page


def wait_text(page: Any, selector: str, text: str) -> str:
    locator = page.locator(selector).first
    deadline = time.monotonic() + WAIT_MS / 1000
    while time.monotonic() < deadline:
        if locator.count() and text in (shown := locator.inner_text()):
            return str(shown)
        time.sleep(0.25)
    tail = str(page.inner_text("body"))[-3000:]
    raise AssertionError(f"{selector!r} never showed {text!r}; page ends with:\n{tail}")


def wait_count(page: Any, selector: str, count: int) -> None:
    deadline = time.monotonic() + WAIT_MS / 1000
    while page.locator(selector).count() < count:
        assert time.monotonic() < deadline, f"fewer than {count} {selector!r}"
        time.sleep(0.25)


def glyphs(page: Any, chars: list[list[str]]) -> dict[str, Any]:
    return page.evaluate(GLYPH_CHECK, [[[c, f] for c, f, *_ in chars], CJK_FONT])


def test_the_detector_tells_tofu_from_glyphs(browser: Any) -> None:
    page = browser.new_page(locale="ja-JP")
    try:
        page.set_content("<p>detector</p>")
        family = "sans-serif"
        found = glyphs(page, [["\U0010fffd", family], ["\u0378", family], ["日", family]])
    finally:
        page.close()
    assert found["installed"], f"{CJK_FONT} is not installed: apt-get install fonts-noto-cjk"
    tofu, unassigned, kanji = found["results"]
    assert tofu["tofu"] and (unassigned["tofu"] or unassigned["blank"])
    assert not kanji["tofu"] and not kanji["blank"]


def run_all_in_japanese(page: Any) -> None:
    """Run All through JupyterLab's Japanese menus; fail at the first Python error shown."""
    wait_text(page, "#jp-main-statusbar", IDLE)  # JupyterLab itself speaks Japanese
    page.get_by_role("menuitem", name="実行", exact=True).click()
    page.get_by_role("menuitem", name="すべてのセルを実行", exact=True).click()
    deadline = time.monotonic() + WAIT_MS / 1000
    while not (all_cells_ran(page) or errors_shown(page)):
        assert time.monotonic() < deadline, "Run All did not finish"
        time.sleep(0.25)
    wait_text(page, "#jp-main-statusbar", IDLE)
    errors = errors_shown(page)
    assert not errors, "Run All stopped at a Python error:\n" + "\n".join(errors)


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_japanese_notebook_runs_clean_with_every_glyph(ja_page: CoursePage, notebook: str) -> None:
    started = time.perf_counter()
    page = ja_page.page
    try:
        ja_page.open(notebook)
        run_all_in_japanese(page)
        if "diagram" in SHOWN_IN.get(notebook, set()):
            wait_count(page, "div.labkit-diagram", 2)  # the widget's and the last cell's
        problems = page_problems(page)
        chars = page.evaluate(PAGE_CHARS)
        found = glyphs(page, chars)
    finally:
        console = ja_page.finish_notebook()
    assert not problems, "\n".join(problems)
    assert not console, "\n".join(console)
    areas = {where for *_, where in chars}
    wanted = {"prose", "jupyterlab"} | SHOWN_IN.get(notebook, set())
    assert wanted <= areas, f"characters only in {areas}, wanted {wanted}"
    cjk = [c for c, *_ in chars if "\u3040" <= c <= "\u9fff"]
    assert len(set(cjk)) > 100, f"only {len(set(cjk))} distinct Japanese characters on the page"
    missing = [
        (r["ch"], f"U+{ord(r['ch']):04X}", where)
        for r, (*_, where) in zip(found["results"], chars, strict=True)
        if r["tofu"] or r["blank"]
    ]
    assert not missing, f"drawn as tofu (no font has the glyph): {missing}"
    print(
        f"\nbrowser (ja) {notebook}: Run All at 1024x768, {len(chars)} character/font pairs, "
        f"{len(set(cjk))} distinct Japanese, all with glyphs, in "
        f"{time.perf_counter() - started:.1f} s"
    )
