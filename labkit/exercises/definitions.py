"""Exercise definitions, read from ``data/exercises/*.json``, and how to show them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from labkit import data
from labkit.backend.errors import LabError
from labkit.i18n import _, data_texts

if TYPE_CHECKING:
    from labkit.lab.facade import Lab

ANSWER_KINDS = ("endpoint-policy", "identity-policy", "bypass-closing")  # the last: notebook 10
#: The fields a learner reads, translated through ``data/locale/<lang>/exercises.yaml``.
SHOWN_FIELDS = ("title", "prompt", "placeholder")


@dataclass(frozen=True)
class Exercise:
    """One exercise: its prompt, what the check probes and expects, and a solution template.

    ``probes``: calls made for real through the lab, each with the outcome it must have
    (``Allowed`` or the policy type that must deny). ``what_if``: requests evaluated by the policy
    engine only (for situations the lab's scenario cannot produce). ``setup``: state the check
    puts in place while it runs (and restores), e.g. an open endpoint.
    """

    id: str
    notebook: str
    title: str
    prompt: str
    answer_kind: str
    service: str
    placeholder: str
    scenario: str | None = None
    setup: Mapping[str, str] = field(default_factory=dict)
    probes: tuple[Mapping[str, str], ...] = ()
    what_if: tuple[Mapping[str, str], ...] = ()
    solution_template: Mapping[str, Any] = field(default_factory=dict)

    def solution(self, lab: Lab) -> dict[str, Any]:
        """The reference answer, filled in for ``lab`` (account, Region...)."""
        text = data.fill(json.dumps(self.solution_template), lab.policy_values())
        return json.loads(text)

    def shown(self, field: str) -> str:
        """``title``, ``prompt`` or ``placeholder`` in labkit's current language."""
        return data_texts.translated("exercises", self.id, field, getattr(self, field))

    def __str__(self) -> str:
        scenario = (
            _(" (start the lab with scenario={scenario!r})").format(scenario=self.scenario)
            if self.scenario
            else ""
        )
        head = _("Exercise {id}: {title}").format(id=self.id, title=self.shown("title"))
        tail = _("Answer with {placeholder}{scenario}, then run {call}.").format(
            placeholder=self.shown("placeholder"),
            scenario=scenario,
            call=f"labkit.exercises.check({self.id!r}, answer, lab)",
        )
        return f"{head}\n\n{self.shown('prompt')}\n\n{tail}"

    def _repr_markdown_(self) -> str:
        scenario = (
            _(" (lab started with `scenario={scenario!r}`)").format(scenario=self.scenario)
            if self.scenario
            else ""
        )
        head = _("**Exercise `{id}`: {title}**").format(id=self.id, title=self.shown("title"))
        tail = _("Answer with {placeholder}{scenario}, then run {call}.").format(
            placeholder=self.shown("placeholder"),
            scenario=scenario,
            call=f"`labkit.exercises.check({self.id!r}, answer, lab)`",
        )
        return f"{head}\n\n{self.shown('prompt')}\n\n{tail}"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))


def _folder() -> Any:
    return data.data_root().joinpath("exercises")


@cache
def _all() -> dict[str, Exercise]:
    found: dict[str, Exercise] = {}
    for name in data.list_names("exercises"):
        raw = json.loads(_folder().joinpath(f"{name}.json").read_text(encoding="utf-8"))
        if raw["answer_kind"] not in ANSWER_KINDS:
            raise ValueError(f"data/exercises/{name}.json: unknown answer_kind")
        found[raw["id"]] = Exercise(
            id=raw["id"],
            notebook=raw["notebook"],
            title=raw["title"],
            prompt=raw["prompt"],
            answer_kind=raw["answer_kind"],
            service=raw["service"],
            placeholder=raw["placeholder"],
            scenario=raw.get("scenario"),
            setup=dict(raw.get("setup", {})),
            probes=tuple(raw.get("probes", [])),
            what_if=tuple(raw.get("what_if", [])),
            solution_template=raw["solution"],
        )
    return found


def ids() -> list[str]:
    """Every exercise ID, in notebook order."""
    return sorted(_all())


def exercise(exercise_id: str) -> Exercise:
    """The exercise ``exercise_id``; it renders its prompt in Jupyter (also :func:`show`)."""
    known = _all()
    if exercise_id not in known:
        raise LabError(
            _("there is no exercise {id!r}").format(id=exercise_id),
            _("use one of: {ids}").format(ids=", ".join(sorted(known))),
        )
    return known[exercise_id]


show = exercise


def solution(exercise_id: str, lab: Lab) -> dict[str, Any]:
    """The reference answer of ``exercise_id`` for ``lab`` (try yours first)."""
    return exercise(exercise_id).solution(lab)
