"""The boto3 clients the aws backend uses, and a record of every AWS API they called.

:meth:`AwsClients.lab` clients make labkit's own calls (set-up, reads, clean-up): botocore's
standard retry mode and errors an engineer can act on (:mod:`labkit.aws.errors`).
:meth:`AwsClients.probe` clients make the calls a learner studies: one attempt, errors as data.
Both record the IAM action of every call in :attr:`AwsClients.called` and in the process-wide
:data:`CALLED`, which the tests compare with ``docs/aws-permissions.json``.
"""

from __future__ import annotations

from typing import Any

from labkit.aws.errors import action_of, watch
from labkit.aws.session import lab_config, probe_config

CALLED: set[str] = set()
"""IAM actions of every AWS API any labkit aws client called in this process."""


class AwsClients:
    """Clients of one boto3 session, cached per service."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self.called: set[str] = set()
        self._lab: dict[str, Any] = {}

    def lab(self, service: str) -> Any:
        """A client for labkit's own calls to ``service`` (retried; actionable errors)."""
        if service not in self._lab:
            client = self.session.client(service, config=lab_config())
            self._lab[service] = watch(self._recorded(client))
        return self._lab[service]

    def probe(self, service: str) -> Any:
        """A client for probe calls: one attempt, every error returned to the caller."""
        return self._recorded(self.session.client(service, config=probe_config()))

    def credentials(self) -> Any:
        """The session's frozen credentials (handed to a local probe process, never printed)."""
        found = self.session.get_credentials()
        return None if found is None else found.get_frozen_credentials()

    def _recorded(self, client: Any) -> Any:
        client.meta.events.register("before-call", self._record)
        return client

    def _record(self, model: Any, **_: Any) -> None:
        action = action_of(model)
        self.called.add(action)
        CALLED.add(action)
