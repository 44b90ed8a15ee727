"""``labkit.setup_check()``: is this machine ready for the course? One row per check, with the fix.

Checks Python and the package versions against labkit's declared ranges (``pyproject.toml``, as
installed), the ipywidgets JupyterLab extension, the ``python3`` kernel, the optional ``aws`` CLI
and ``dig``, and that a local lab starts and answers STS GetCallerIdentity. A failed required
check says exactly what to run; optional ones (``aws``, ``dig``) only limit a few cells.
"""

from __future__ import annotations

import html
import importlib.metadata as metadata
import json
import os
import shutil
import sys
import time
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion, Version

import labkit
from labkit.backend.errors import LabError
from labkit.i18n import N_, _

PACKAGES: tuple[str, ...] = ("jupyterlab", "ipywidgets", "pandas", "boto3", "moto")
WIDGET_EXTENSION = "@jupyter-widgets/jupyterlab-manager"
REINSTALL = N_("run `make lab` in the labkit folder (it reinstalls .venv from pyproject.toml)")
PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


@dataclass(frozen=True)
class SetupCheck:
    """One check: what was looked at, what was found, and how to fix it when it failed."""

    name: str
    ok: bool
    found: str
    fix: str = ""
    required: bool = True

    @property
    def status(self) -> str:
        """``pass``, ``FAIL`` or ``missing (optional)`` (the same in every language; shown
        translated)."""
        if self.ok:
            return N_("pass")
        return N_("FAIL") if self.required else N_("missing (optional)")


@dataclass(frozen=True)
class SetupReport:
    """All checks; ``ok`` is True when every required check passed."""

    checks: tuple[SetupCheck, ...]
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks if c.required)

    @property
    def failed(self) -> list[SetupCheck]:
        """Checks that did not pass (required and optional)."""
        return [c for c in self.checks if not c.ok]

    def to_frame(self) -> Any:
        """The checks as a pandas DataFrame (check, status, found, fix)."""
        import pandas as pd

        rows = [(c.name, c.status, c.found, c.fix) for c in self.checks]
        return pd.DataFrame(rows, columns=["check", "status", "found", "fix"])

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "seconds": round(self.seconds, 2),
            "checks": [{**asdict(c), "status": c.status} for c in self.checks],
        }

    def summary(self) -> str:
        required = [c for c in self.checks if c.required and not c.ok]
        optional = [c for c in self.checks if not c.required and not c.ok]
        if required:
            head = _("NOT READY: {count} required check(s) failed; fix them and run again").format(
                count=len(required)
            )
        else:
            head = _("READY: every required check passed")
        if optional:
            names = ", ".join(c.name for c in optional)
            head += _(" ({count} optional tool(s) missing: {names})").format(
                count=len(optional), names=names
            )
        return head

    def __str__(self) -> str:
        width = max(len(c.name) for c in self.checks) if self.checks else 5
        fix_word = _("fix:")
        lines = []
        for c in self.checks:
            mark = "ok " if c.ok else ("!! " if c.required else "-- ")
            lines.append(f"{mark}{c.name:<{width}}  {c.found}")
            if c.fix:
                lines.append(f"   {'':<{width}}  {fix_word} {c.fix}")
        return "\n".join([*lines, "", self.summary()])

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))

    def _repr_html_(self) -> str:
        colours = {"pass": "#009E73", "FAIL": "#D55E00"}  # Okabe-Ito
        heads = (_("check"), _("status"), _("found"), _("fix"))
        rows = "".join(
            "<tr>"
            f"<td>{html.escape(c.name)}</td>"
            f'<td style="color:{colours.get(c.status, "#E69F00")}"><b>'
            f"{html.escape(_(c.status))}</b></td>"
            f"<td>{_whole_words(c.found)}</td><td>{_whole_words(c.fix)}</td></tr>"
            for c in self.checks
        )
        return (
            '<table class="labkit-setup-check"><thead><tr>'
            + "".join(f"<th>{html.escape(h)}</th>" for h in heads)
            + f"</tr></thead><tbody>{rows}</tbody></table>"
            f"<p><b>{html.escape(self.summary())}</b></p>"
        )


# -- what labkit declares -----------------------------------------------------------------------
def declared() -> tuple[str, dict[str, Requirement]]:
    """``Requires-Python`` and the dependency requirements, from the installed metadata.

    Falls back to ``pyproject.toml`` when labkit runs from a source tree without being installed.
    """
    try:
        meta = metadata.metadata("labkit")
        python = meta["Requires-Python"] or ""
        reqs = metadata.requires("labkit") or []
    except metadata.PackageNotFoundError:
        project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
        python, reqs = project.get("requires-python", ""), project.get("dependencies", [])
    found: dict[str, Requirement] = {}
    for text in reqs:
        req = Requirement(text)
        if req.marker is None:  # extras (test tools) are not course requirements
            found[req.name.lower()] = req
    return python, found


def installed_version(name: str) -> str | None:
    """The installed distribution's version, or None."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


# -- the checks ---------------------------------------------------------------------------------
def check_python(requires: str, version: Sequence[int] = tuple(sys.version_info[:3])) -> SetupCheck:
    """This interpreter against ``Requires-Python``."""
    text = ".".join(str(v) for v in version)
    ok = Version(text) in SpecifierSet(requires) if requires else True
    fix = (
        ""
        if ok
        else _(
            "labkit needs Python {requires}: install one and run "
            "`make lab PYTHON=python3.12` (or 3.11+)"
        ).format(requires=requires)
    )
    found = _("{version} ({executable}); needs {requires}").format(
        version=text, executable=sys.executable, requires=requires or _("any")
    )
    return SetupCheck("python", ok, found, fix)


def check_package(
    name: str,
    requirement: Requirement | None,
    version_of: Callable[[str], str | None] = installed_version,
) -> SetupCheck:
    """One package's installed version against its declared range."""
    spec = requirement.specifier if requirement is not None else SpecifierSet()
    wanted = str(spec) or _("any version")
    version = version_of(name)
    if version is None:
        found = _("not installed; needs {wanted}").format(wanted=wanted)
        return SetupCheck(name, False, found, _reinstall(name, spec))
    try:
        ok = Version(version) in spec if str(spec) else True
    except InvalidVersion:
        ok = False
    fix = "" if ok else _reinstall(name, spec)
    return SetupCheck(name, ok, _("{version}; needs {wanted}").format(**locals()), fix)


def _reinstall(name: str, spec: SpecifierSet) -> str:
    pin = f"'{name}{spec}'" if str(spec) else name
    return _("{reinstall}, or: python -m pip install {pin}").format(reinstall=_(REINSTALL), pin=pin)


def check_labkit(version_of: Callable[[str], str | None] = installed_version) -> SetupCheck:
    """labkit is installed (editable) and the installed metadata matches the code imported."""
    version = version_of("labkit")
    here = str(Path(labkit.__file__).resolve().parent)
    if version is None:
        return SetupCheck(
            "labkit",
            False,
            _("{version} imported from {here}, but not installed").format(
                version=labkit.__version__, here=here
            ),
            _("run `make lab` (installs labkit into .venv with `pip install -e .`)"),
        )
    ok = version == labkit.__version__
    fix = (
        ""
        if ok
        else _("the install is stale (metadata {version}): {reinstall}").format(
            version=version, reinstall=_(REINSTALL)
        )
    )
    found = _("{version} from {here}").format(version=labkit.__version__, here=here)
    return SetupCheck("labkit", ok, found, fix)


def check_widget_extension(search: Iterable[str] | None = None) -> SetupCheck:
    """The ipywidgets JupyterLab extension (from jupyterlab_widgets) is where JupyterLab looks."""
    if search is None:
        from jupyter_core.paths import jupyter_path

        search = jupyter_path("labextensions")
    for folder in search:
        manifest = Path(folder, *WIDGET_EXTENSION.split("/"), "package.json")
        if manifest.is_file():
            try:
                version = json.loads(manifest.read_text(encoding="utf-8")).get("version", "?")
            except ValueError:
                version = "?"
            found = _("{extension} {version} in {folder}").format(
                extension=WIDGET_EXTENSION, version=version, folder=folder
            )
            return SetupCheck("widget extension", True, found)
    return SetupCheck(
        "widget extension",
        False,
        _("{extension} not found (widgets would show as text)").format(extension=WIDGET_EXTENSION),
        _(
            "python -m pip install 'ipywidgets>=8.1,<9' (it brings jupyterlab_widgets), "
            "then restart JupyterLab; `jupyter labextension list` should show it enabled"
        ),
    )


def check_kernel() -> SetupCheck:
    """A ``python3`` kernelspec exists, and says which interpreter runs this code."""
    fix = _("python -m ipykernel install --sys-prefix (then pick 'Python 3 (ipykernel)')")
    try:
        from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

        spec = KernelSpecManager().get_kernel_spec("python3")
    except ImportError:
        return SetupCheck("kernel", False, _("jupyter_client is not installed"), _(REINSTALL))
    except NoSuchKernel:
        return SetupCheck("kernel", False, _("no 'python3' kernelspec"), fix)
    template = (
        _("python3 at {folder}; this kernel is {executable}")
        if _in_kernel()
        else _("python3 at {folder}; this interpreter is {executable}")
    )
    found = template.format(folder=spec.resource_dir, executable=sys.executable)
    return SetupCheck("kernel", True, found)


def _in_kernel() -> bool:
    shell = sys.modules.get("IPython")
    ip = shell.get_ipython() if shell is not None else None
    return ip is not None and ip.__class__.__name__ == "ZMQInteractiveShell"


def check_tool(name: str, fix: str, path: str | None = None) -> SetupCheck:
    """An optional command on PATH (the venv's ``bin`` counts, as ``lab.use_in_kernel`` adds it)."""
    search = os.pathsep.join([str(Path(sys.executable).parent), path or os.environ.get("PATH", "")])
    found = shutil.which(name, path=search)
    if found:
        return SetupCheck(name, True, found, required=False)
    note = _("`{name}` not on PATH: the `!{name} ...` cells print a note instead").format(name=name)
    return SetupCheck(name, False, note, _(fix), required=False)


def check_local_lab() -> SetupCheck:
    """A local lab starts (its own, not the kernel's current one) and answers GetCallerIdentity."""
    # imported when the check runs: a lab's modules take ~0.6 s, the other checks none of it
    from labkit.local.backend import LocalBackend

    started = time.perf_counter()
    try:
        backend = LocalBackend.start("walkthrough")
    except LabError as exc:
        return SetupCheck("local lab", False, exc.problem, exc.fix)
    try:
        arn = backend.client("sts", "instance").get_caller_identity()["Arn"]
    except Exception as exc:  # any failure here is the finding itself
        return SetupCheck(
            "local lab",
            False,
            _("started, but STS GetCallerIdentity failed: {error}").format(
                error=f"{exc.__class__.__name__}: {exc}"
            ),
            _("run `labkit serve --scenario walkthrough` in a terminal to see the lab's log"),
        )
    finally:
        backend.stop()
    seconds = time.perf_counter() - started
    found = _("started, answered as {arn}, stopped ({seconds:.1f} s)").format(
        arn=arn, seconds=seconds
    )
    return SetupCheck("local lab", True, found)


AWS_FIX = N_("run `make lab` (installs the aws CLI into .venv), or: python -m pip install awscli")
DIG_FIX = N_("sudo apt install bind9-dnsutils (Debian/Ubuntu); brew install bind (macOS)")


def setup_check(lab: bool = True) -> SetupReport:
    """Run every check; ``lab=False`` skips starting a local lab (the slow one, ~3 s)."""
    started = time.perf_counter()
    python, requirements = declared()
    checks = [check_python(python), check_labkit()]
    checks += [check_package(name, requirements.get(name)) for name in PACKAGES]
    checks += [
        check_widget_extension(),
        check_kernel(),
        check_tool("aws", AWS_FIX),
        check_tool("dig", DIG_FIX),
    ]
    if lab:
        checks.append(check_local_lab())
    return SetupReport(tuple(checks), time.perf_counter() - started)


def _whole_words(text: str) -> str:
    """``text`` escaped, a word with a hyphen kept on one line (a path never breaks at one)."""
    return " ".join(
        f'<span style="white-space: nowrap">{html.escape(word)}</span>'
        if "-" in word
        else html.escape(word)
        for word in text.split(" ")
    )
