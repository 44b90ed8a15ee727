"""The course as a learner lives it, in Debian chromium driven by Playwright: open a notebook in a
private JupyterLab, Run All, answer each exercise once wrong and once right through the page, and
look at the page at 1280×800 and 1024×768; save, close and reopen it. A test file keeps one
JupyterLab page (:class:`CoursePage`) and goes from notebook to notebook in it, each with a kernel
of its own that is shut down after it.

What is checked on the page (:func:`page_problems`): no Python error output, no widget error, no
console error, no element wider than its output without a scroll container that shows a
scroll bar, no text smaller than 11 px in a lab diagram, no table cell that breaks words
anywhere. Screenshots of every output with a table, a diagram or a widget go to
``tests/browser/screenshots/`` (gitignored) for a person to look at.
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
SHOTS = Path(__file__).resolve().parent / "screenshots"
VIEWPORTS = {"1280x800": (1280, 800), "1024x768": (1024, 768)}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# headless chromium hides scroll bars unless told otherwise; a learner's chromium shows them
CHROMIUM_DEFAULTS_DROPPED = ["--hide-scrollbars"]
WAIT_MS = 180_000
MIN_DIAGRAM_PX = 11.0

# Wrong and right answers per exercise, typed into the answer cell through the page. The wrong
# ones are typical first tries; the right ones are written here, not read from labkit.
ANSWERS: dict[str, tuple[str, str]] = {
    "03": (
        'answer = "full-access"',
        "answer = {\n"
        '    "Version": "2012-10-17",\n'
        '    "Statement": [{"Effect": "Allow", "Action": "logs:PutLogEvents",\n'
        '        "Resource": f"arn:aws:logs:{lab.region}:{lab.account_id}'
        ':log-group:logs-test-allowed:*"}],\n'
        "}",
    ),
    "04": (
        'answer = "walkthrough"',
        "answer = {\n"
        '    "Statement": [\n'
        '        {"Effect": "Allow", "Principal": "*", "Action": "logs:PutLogEvents",\n'
        '         "Resource": f"arn:aws:logs:{lab.region}:{lab.account_id}'
        ':log-group:logs-test-allowed:*"},\n'
        '        {"Effect": "Allow", "Principal": "*", "Action": "logs:DescribeLogGroups",\n'
        '         "Resource": "*"},\n'
        "    ]\n"
        "}",
    ),
    "05": (
        'answer = "full-access"',
        "answer = {\n"
        '    "Statement": [\n'
        '        {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},\n'
        '        {"Effect": "Deny", "Principal": "*", "Action": "logs:TagResource",\n'
        '         "Resource": "*"},\n'
        "    ]\n"
        "}",
    ),
    "06": (
        'answer = "full-access"',
        "answer = {\n"
        '    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",\n'
        '        "Condition": {"StringEquals": {"aws:PrincipalAccount": lab.account_id,\n'
        '                                       "aws:ResourceAccount": lab.account_id}}}]\n'
        "}",
    ),
    "07": (
        'answer = "full-access"',
        "answer = {\n"
        '    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "events:PutEvents",\n'
        '        "Resource": f"arn:aws:events:{lab.region}:{lab.account_id}'
        ':event-bus/default"}]\n'
        "}",
    ),
    "08": (
        'answer = "full-access"',
        "answer = {\n"
        '    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*",\n'
        '        "Resource": f"arn:aws:logs:{lab.region}:{lab.account_id}:log-group:*"}]\n'
        "}",
    ),
}

PROBLEMS_JS = r"""
(minPx) => {
  const problems = [];
  const cells = [...document.querySelectorAll('.jp-Notebook .jp-Cell')];
  cells.forEach((cell, index) => {
    const where = `cell ${index}`;
    for (const err of cell.querySelectorAll('[data-mime-type="application/vnd.jupyter.error"]')) {
      problems.push(`${where}: Python error: ${err.innerText.slice(0, 300)}`);
    }
    for (const out of cell.querySelectorAll('.jp-OutputArea-output')) {
      if (/Error displaying widget|Model not found|Failed to display/i.test(out.innerText)) {
        problems.push(`${where}: widget error: ${out.innerText.slice(0, 200)}`);
      }
      const box = out.getBoundingClientRect();
      if (box.width === 0) continue;
      for (const el of out.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.right <= box.right + 1) continue;
        // wider than its output: some ancestor up to the output must scroll it, visibly
        let ok = false;
        for (let a = el.parentElement; a && a !== out.parentElement; a = a.parentElement) {
          const style = getComputedStyle(a);
          const scrolls = ['auto', 'scroll'].includes(style.overflowX);
          if (scrolls && a.scrollWidth > a.clientWidth && a.offsetHeight > a.clientHeight
              && a.getBoundingClientRect().right <= box.right + 1) { ok = true; break; }
        }
        if (!ok) {
          const plain = el.className && el.className.baseVal === undefined;
          const name = el.tagName.toLowerCase()
            + (plain ? '.' + String(el.className).split(' ').join('.') : '');
          problems.push(`${where}: ${name} reaches ${Math.round(r.right)} px, its output ends at `
            + `${Math.round(box.right)} px, and nothing scrolls it visibly`);
          break;
        }
      }
      let broken = null;
      for (const td of out.querySelectorAll('td, th')) {
        const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node && !broken; node = walker.nextNode()) {
          for (const word of node.textContent.matchAll(/\S+/g)) {
            const range = document.createRange();
            range.setStart(node, word.index);
            range.setEnd(node, word.index + word[0].length);
            const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
            if (tops.size > 1) { broken = word[0]; break; }
          }
        }
        if (broken) {
          problems.push(`${where}: a word is broken across lines in a table: ${broken}`);
          break;
        }
      }
      for (const td of out.querySelectorAll('td, th')) {
        const style = getComputedStyle(td);
        if (style.wordBreak === 'break-all' || style.overflowWrap === 'anywhere') {
          const shown = td.innerText.slice(0, 40);
          problems.push(`${where}: a table cell may break words mid-token (${shown})`);
          break;
        }
      }
    }
    for (const svg of cell.querySelectorAll('svg.labkit-diagram, svg.labkit-diagram-part')) {
      const view = svg.viewBox && svg.viewBox.baseVal;
      const scale = view && view.width ? svg.getBoundingClientRect().width / view.width : 1;
      for (const text of svg.querySelectorAll('text')) {
        const px = parseFloat(getComputedStyle(text).fontSize) * scale;
        if (px < minPx) {
          const shown = text.textContent.slice(0, 40);
          problems.push(`${where}: diagram text ${px.toFixed(1)} px: ${shown}`);
          break;
        }
      }
    }
  });
  return problems;
}
"""


@dataclass
class NotebookVisit:
    """What one notebook showed in the browser."""

    name: str
    run_viewport: str
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    exercise: dict[str, str] = field(default_factory=dict)
    screenshots: list[str] = field(default_factory=list)
    dirty_on_open: bool = False
    dirty_after_run: bool = False  # proves the page marks a change (so the check above can fail)
    saved_outputs: int = -1  # code cells with outputs in the file after Save (want 0)
    reopened_problems: list[str] = field(default_factory=list)


def notebook_names() -> list[str]:
    """Every course notebook (``NN_slug.ipynb``), in order: new ones join by their name."""
    return sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def wait_until(check: Any, what: str, page: Any, timeout_s: float = WAIT_MS / 1000) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    tail = str(page.inner_text("body"))[-3000:]
    raise AssertionError(f"timed out waiting for {what}; the page ends with:\n{tail}")


def kernel_idle(page: Any, idle: str = "Idle") -> bool:
    """Whether the status bar shows the kernel idle (``idle``: the word in the page's language)."""
    return idle in page.locator("#jp-main-statusbar").inner_text()


def all_cells_ran(page: Any) -> bool:
    """Every code cell shows an execution count ([n]), none a [*]."""
    prompts = page.eval_on_selector_all(
        ".jp-Notebook .jp-CodeCell .jp-InputArea-prompt", "els => els.map(e => e.innerText)"
    )
    return bool(prompts) and all(re.fullmatch(r"\[\d+\]:", p.strip()) for p in prompts)


def errors_shown(page: Any) -> list[str]:
    """The text of every Python error output on the page."""
    return list(
        page.eval_on_selector_all(
            '[data-mime-type="application/vnd.jupyter.error"]',
            "els => els.map(e => e.innerText.slice(0, 1500))",
        )
    )


def run_all(page: Any) -> None:
    wait_until(lambda: kernel_idle(page), "the kernel to be idle", page)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    wait_until(lambda: all_cells_ran(page) or errors_shown(page), "every cell to run", page)
    wait_until(lambda: kernel_idle(page), "the kernel to be idle after Run All", page)
    errors = errors_shown(page)
    assert not errors, "Run All stopped at a Python error:\n" + "\n".join(errors)


def cell_by_tag(page: Any, notebook: str, tag: str) -> Any:
    """The page's cell whose stored metadata carries ``tag`` (by index in the stored file)."""
    stored = json.loads((NOTEBOOKS / notebook).read_text(encoding="utf-8"))
    index = next(
        i for i, c in enumerate(stored["cells"]) if tag in c.get("metadata", {}).get("tags", [])
    )
    return page.locator(".jp-Notebook .jp-Cell").nth(index)


def run_cell_with(page: Any, cell: Any, source: str | None = None) -> str:
    """Replace ``cell``'s text (if given), run it with Shift+Enter, return its output text."""
    before = cell.locator(".jp-InputArea-prompt").inner_text()
    cell.locator(".jp-InputArea-editor").click()
    if source is not None:
        page.keyboard.press("Control+a")
        page.keyboard.press("Delete")
        page.keyboard.insert_text(source)
    page.keyboard.press("Shift+Enter")
    wait_until(
        lambda: (
            (p := cell.locator(".jp-InputArea-prompt").inner_text().strip()) != before.strip()
            and re.fullmatch(r"\[\d+\]:", p)
        ),
        "the cell to run",
        page,
    )
    wait_until(lambda: kernel_idle(page), "the kernel to be idle", page)
    return str(cell.locator(".jp-Cell-outputArea").inner_text())


def check_exercise(page: Any, notebook: str) -> dict[str, str]:
    """Answer the notebook's exercise wrong, then right, through the page; the check's text."""
    number = notebook[:2]
    if number not in ANSWERS:
        return {}
    wrong, right = ANSWERS[number]
    answer = cell_by_tag(page, notebook, f"exercise-{number}-answer")
    check = cell_by_tag(page, notebook, f"exercise-{number}-check")
    shown = {}
    for label, source in (("wrong", wrong), ("right", right)):
        run_cell_with(page, answer, source)
        shown[label] = run_cell_with(page, check)
    return shown


def page_problems(page: Any) -> list[str]:
    return list(page.evaluate(PROBLEMS_JS, MIN_DIAGRAM_PX))


def screenshot_outputs(page: Any, notebook: str, viewport: str) -> list[str]:
    """Screenshots of each output holding a table, a diagram or a widget; the file names."""
    SHOTS.mkdir(exist_ok=True)
    outputs = page.locator(".jp-Notebook .jp-Cell")
    width = VIEWPORTS[viewport][0]
    page.set_viewport_size({"width": width, "height": 2400})  # a tall cell fits in one shot
    page.wait_for_timeout(200)
    written = []
    for index in range(outputs.count()):
        cell = outputs.nth(index)
        area = cell.locator(".jp-Cell-outputArea")
        if not area.count():
            continue
        rich = area.locator("table, svg.labkit-diagram, .jupyter-widgets, .widget-box").count()
        if not rich:
            continue
        name = f"{notebook[:2]}-{viewport}-cell{index:02d}.png"
        cell.scroll_into_view_if_needed()
        cell.screenshot(path=str(SHOTS / name))
        written.append(name)
    page.set_viewport_size({"width": width, "height": VIEWPORTS[viewport][1]})
    return written


class CoursePage:
    """One JupyterLab page for a whole test file: notebook after notebook opens, runs and closes
    in it through the app's own commands, as a learner goes through the course. Loading
    JupyterLab costs chromium about 6 s of CPU here; opening a notebook in it, about 1 s."""

    def __init__(
        self,
        browser: Any,
        server: Any,
        *,
        viewport: tuple[int, int] = VIEWPORTS["1280x800"],
        locale: str | None = None,
        idle: str = "Idle",
    ) -> None:
        self.server = server
        self.idle = idle  # the kernel's idle state as the status bar words it
        width, height = viewport
        self.context = browser.new_context(
            viewport={"width": width, "height": height}, **({"locale": locale} if locale else {})
        )
        self.page = self.context.new_page()
        self.page.set_default_timeout(WAIT_MS)
        self.console_errors: list[str] = []
        self._reported = 0
        self.page.on(
            "console",
            lambda m: self.console_errors.append(m.text) if m.type == "error" else None,
        )
        self.page.on("pageerror", lambda e: self.console_errors.append(f"page error: {e}"))
        self.page.goto(server.lab_url())
        self.page.wait_for_function("() => window.jupyterapp !== undefined")
        self.page.evaluate("async () => { await window.jupyterapp.restored; }")
        self.close_all()

    def command(self, name: str, args: dict[str, Any] | None = None) -> None:
        """Run a JupyterLab command and wait for it to finish."""
        self.page.evaluate(
            "async ([name, args]) => { await window.jupyterapp.commands.execute(name, args); }",
            [name, args or {}],
        )

    def open(self, notebook: str) -> None:
        """Open ``notebook`` (its only tab) and wait for its kernel to be idle."""
        self.command("docmanager:open", {"path": notebook})
        self.page.locator(".jp-Notebook .jp-Cell").first.wait_for()
        wait_until(lambda: kernel_idle(self.page, self.idle), "the kernel to start", self.page)

    def close_all(self) -> None:
        """Save every document (a modified one would ask), then close every tab."""
        self.command("docmanager:save-all")
        self.command("application:close-all")
        wait_until(
            lambda: self.page.locator(".jp-Notebook").count() == 0, "the tabs to close", self.page
        )

    def shut_down_kernels(self) -> None:
        """Shut down every kernel of the server (and so the labs they started)."""
        self.page.evaluate(
            """async () => {
                const sessions = window.jupyterapp.serviceManager.sessions;
                await sessions.refreshRunning();
                for (const model of [...sessions.running()]) await sessions.shutdown(model.id);
            }"""
        )

    def finish_notebook(self) -> list[str]:
        """Save and close every tab, shut the kernels down; the console errors since the last
        call (the first call's include loading JupyterLab)."""
        found = self.console_errors[self._reported :]
        self._reported = len(self.console_errors)
        self.close_all()
        self.shut_down_kernels()
        return found

    def __enter__(self) -> CoursePage:
        return self

    def __exit__(self, *_: object) -> None:
        self.context.close()


def visit(course: CoursePage, notebook: str, run_viewport: str) -> NotebookVisit:
    """Open ``notebook``, Run All at ``run_viewport``, answer its exercise, then look at the page
    at every viewport; save, close, reopen; close it and shut its kernel down."""
    found = NotebookVisit(notebook, run_viewport)
    page = course.page
    page.set_viewport_size(dict(zip(("width", "height"), VIEWPORTS[run_viewport], strict=True)))
    try:
        started = time.perf_counter()
        course.open(notebook)
        page.wait_for_timeout(500)
        found.dirty_on_open = page.locator(".lm-TabBar-tab.jp-mod-dirty").count() > 0
        run_all(page)
        found.dirty_after_run = page.locator(".lm-TabBar-tab.jp-mod-dirty").count() > 0
        found.exercise = check_exercise(page, notebook)
        found.seconds = time.perf_counter() - started
        order = [run_viewport, *[v for v in VIEWPORTS if v != run_viewport]]
        for viewport in order:
            page.set_viewport_size(dict(zip(("width", "height"), VIEWPORTS[viewport], strict=True)))
            page.wait_for_timeout(300)
            found.problems += [f"{viewport}: {p}" for p in page_problems(page)]
            if os.environ.get("LABKIT_BROWSER_SCREENSHOTS", "1") != "0":
                found.screenshots += screenshot_outputs(page, notebook, viewport)
        found.saved_outputs, found.reopened_problems = save_and_reopen(course, notebook)
    finally:
        found.console_errors = course.finish_notebook()
    return found


def save_and_reopen(course: CoursePage, notebook: str) -> tuple[int, list[str]]:
    """Save (as autosave would), count code cells with outputs in the file, close and reopen the
    notebook and list what the page then shows wrong (a widget error, for one)."""
    page = course.page
    page.locator(".jp-Notebook").first.click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+s")
    wait_until(lambda: page.locator(".lm-TabBar-tab.jp-mod-dirty").count() == 0, "the save", page)
    stored = json.loads((course.server.root / notebook).read_text(encoding="utf-8"))
    with_outputs = sum(
        1 for c in stored["cells"] if c["cell_type"] == "code" and (c.get("outputs") or [])
    )
    course.close_all()
    course.open(notebook)  # the kernel kept running, as after a reload: the page reattaches
    page.wait_for_timeout(500)
    return with_outputs, page_problems(page)


def check_notebook_in_the_browser(course: CoursePage, notebook: str) -> None:
    """Run All of ``notebook`` at one viewport (half of the notebooks at each, so both see Run
    All), the exercise answered wrong then right, and every check of the course on the page."""
    viewport = "1280x800" if (int(notebook[:2]) // 2) % 2 == 0 else "1024x768"
    seen = visit(course, notebook, viewport)
    print(
        f"\n{notebook}: Run All at {viewport} + exercise in {seen.seconds:.1f} s; "
        f"{len(seen.screenshots)} screenshots"
    )
    assert not seen.dirty_on_open, "opening the notebook marked it modified"
    assert seen.dirty_after_run, "Run All did not mark the notebook modified: is the check blind?"
    assert not seen.problems, "\n".join(seen.problems)
    assert seen.saved_outputs == 0, f"{seen.saved_outputs} cells kept their outputs in the file"
    assert not seen.reopened_problems, "\n".join(seen.reopened_problems)
    assert not seen.console_errors, "\n".join(seen.console_errors)
    if seen.exercise:
        assert "\nnot yet — " in seen.exercise["wrong"], seen.exercise["wrong"]
        assert "\npass — " in seen.exercise["right"], seen.exercise["right"]
