"""``labkit.start()``: the one setup cell. Picks the backend, starts the lab, says who and where."""

from __future__ import annotations

import atexit
import os
from typing import Any, Literal, TypeVar

from labkit.backend.errors import LabError
from labkit.lab.facade import Lab
from labkit.local.backend import LocalBackend
from labkit.local.process import warm

BACKENDS = ("local", "aws")
CONFIRM_VARIABLE = "LABKIT_CONFIRM_ACCOUNT"
PROFILES = ("self-paced", "workshop")
Profile = Literal["self-paced", "workshop"]
L = TypeVar("L", bound=Lab)

_current: Lab | None = None
_beside: list[Lab] = []  # labs started with beside=True, stopped when the kernel ends


def choose_backend(backend: str | None) -> str:
    """The argument, else ``$LABKIT_BACKEND``, else ``local``; anything else is an error."""
    chosen = (backend or os.environ.get("LABKIT_BACKEND") or "local").strip().lower()
    if chosen not in BACKENDS:
        source = "backend=" if backend else "$LABKIT_BACKEND="
        raise LabError(
            f"unknown backend {source}{chosen!r}",
            "use 'local' (offline, the default) or 'aws' (real AWS, asks for confirmation)",
        )
    return chosen


def choose_profile(profile: str | None) -> str:
    """The argument, else ``$LABKIT_PROFILE``, else ``self-paced``."""
    chosen = (profile or os.environ.get("LABKIT_PROFILE") or "self-paced").strip().lower()
    if chosen not in PROFILES:
        raise LabError(f"unknown profile {chosen!r}", "use 'self-paced' or 'workshop'")
    return chosen


def start(
    backend: str | None = None,
    *,
    scenario: str = "walkthrough",
    profile: Profile | None = None,
    redact: bool | None = None,
    message_style: str = "current",
    confirm: str | None = None,
    region: str | None = None,
    aws_profile: str | None = None,
    vpc_id: str | None = None,
    run_id: str | None = None,
    quiet: bool = False,
    beside: bool = False,
    lab_class: type[L] = Lab,  # type: ignore[assignment]
) -> L:
    """Start a lab and point this kernel at it; prints backend, Region and identity.

    ``backend``: ``"local"`` (default; offline) or ``"aws"`` (explicit opt-in; read-only until
    ``confirm="<account id>"``, ``$LABKIT_CONFIRM_ACCOUNT`` or ``lab.confirm(...)``; ``run_id``
    continues a run, else the last one in the account and Region is reused; ``vpc_id`` uses
    your VPC instead of a lab VPC). ``profile="workshop"`` turns redaction of
    account and instance IDs on (``redact=`` overrides). A lab started earlier in this kernel is
    stopped first, so ``!aws`` and ``!dig`` always go to the newest one; with ``beside=True`` it
    keeps running, keeps the kernel's ``aws`` and ``dig``, and stays the lab exercises check
    against (the new lab is stopped with ``.stop()`` or when the kernel ends). ``lab_class`` is the
    class of the lab returned (``labkit.ui`` passes one that adds the notebook's displays).
    """
    global _current
    chosen = choose_backend(backend)
    chosen_profile = choose_profile(profile)
    masked = (chosen_profile == "workshop") if redact is None else bool(redact)
    if _current is not None and not beside:
        _current.stop()
        _current = None
    backend_impl = _start_backend(
        chosen,
        scenario,
        message_style,
        region=region,
        aws_profile=aws_profile,
        vpc_id=vpc_id,
        run_id=run_id,
    )
    lab = lab_class(backend_impl, scenario=scenario, profile=chosen_profile, redact=masked)
    confirm = confirm or os.environ.get(CONFIRM_VARIABLE) or None
    if chosen == "aws" and confirm is not None:
        backend_impl.confirm(confirm)
    if beside:
        _beside.append(lab)
    else:
        lab.use_in_kernel("instance")
        _current = lab
    if not quiet:
        print(lab.banner())
        if chosen == "aws" and backend_impl.confirmed:
            hourly = backend_impl.plan().hourly
            cost = f"about ${hourly:.3f} an hour with both endpoints" if hourly else "billed"
            print(
                lab.show(
                    f"\nconfirmed for account {lab.account_id}: run {lab.run_id} is set up and "
                    f"{cost} while it exists (lab.backend.plan() lists it)"
                )
            )
        if chosen == "aws" and not backend_impl.confirmed:
            print("\nread-only until you confirm. The plan:\n" + lab.show(str(backend_impl.plan())))
            print(
                "\nTo go ahead: lab.confirm('<the account id above>') "
                f"(in scripts: {CONFIRM_VARIABLE}=<account id>)"
            )
    return lab


def _start_backend(chosen: str, scenario: str, message_style: str, **aws_options: Any) -> Any:
    if chosen == "aws":
        # imported when the AWS backend is chosen: a local lab's kernel never needs it
        from labkit.aws.backend import AwsBackend
        from labkit.aws.session import AwsConnectionError

        warm.discard()  # a spare local lab process, if one was started ahead, is not needed
        try:
            return AwsBackend(
                profile=aws_options.get("aws_profile"),
                region=aws_options.get("region"),
                vpc_id=aws_options.get("vpc_id"),
                run_id=aws_options.get("run_id"),
                scenario=scenario,
            )
        except AwsConnectionError as exc:
            raise LabError("could not connect to AWS", str(exc)) from None
    return LocalBackend.start(scenario, message_style=message_style)


def current() -> Lab | None:
    """The lab ``start`` returned last in this process (None after it stopped)."""
    return _current


def stop() -> None:
    """Stop the current lab, if any, and restore the kernel's environment."""
    global _current
    if _current is not None:
        _current.stop()
        _current = None


def _stop_all() -> None:
    """At exit: the current lab and every lab started beside it."""
    stop()
    while _beside:
        _beside.pop().stop()


atexit.register(_stop_all)
