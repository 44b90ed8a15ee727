"""CloudWatch Logs state: log groups and their tags, and moto's log-group look-ups corrected.

What moto 5.2.5 gets wrong, and what :func:`fix_log_group_lookups` does about it:

* ``_find_log_group`` by ``logGroupIdentifier`` returns the *last group created* whatever the
  identifier names (its loop never stops at the match), and a name passed as identifier is
  never recognised: GetLogEvents, DescribeLogStreams and StartLiveTail read another group's
  data. Replaced: a name or a log-group ARN of this backend's account and Region names that
  group; anything else is ``ResourceNotFoundException``.
* FilterLogEvents reads only ``logGroupName``: a ``logGroupIdentifier`` alone is answered
  "The specified log group does not exist". The identifier is resolved to the name first.
* StartQuery reads only ``logGroupName``/``logGroupNames``: ``logGroupIdentifiers`` alone
  fails with a server error. The identifiers are resolved to names first.
* GetLogGroupFields is not implemented. Answered from the group's events: AWS's five system
  fields (``@ingestionTime``, ``@log``, ``@logStream``, ``@message``, ``@timestamp``) and the
  top-level keys of JSON messages, each with the percentage of events that hold it, over the
  window the API reference gives: 8 minutes either side of ``time``, else the last 15 minutes.

Tests: tests/local/world/test_moto_adapter.py and tests/local/gateway/test_reads_by_name.py.
"""

from __future__ import annotations

import json
import time
from typing import Any

from labkit.local.world.moto.backends import LOCK, known_accounts

SYSTEM_FIELDS = ("@ingestionTime", "@log", "@logStream", "@message", "@timestamp")
RECENT_WINDOW_MS = 15 * 60 * 1000
AROUND_WINDOW_MS = 8 * 60 * 1000


def log_group_tags(account_id: str, region: str, name: str) -> dict[str, str]:
    """Tags on the log group ``name``; {} when it has none or does not exist."""
    from moto.logs.models import logs_backends

    if account_id not in known_accounts(logs_backends):
        return {}
    backend = logs_backends[account_id][region]
    group = backend.groups.get(name)
    if group is None:
        return {}
    return dict(backend.tagger.get_tag_dict_for_resource(group.arn.removesuffix(":*")))


def query_log_groups(account_id: str, region: str, query_id: str) -> list[str] | None:
    """The log groups a Logs Insights query (``StartQuery``) ran on; None for an unknown ID."""
    from moto.logs.models import logs_backends

    if account_id not in known_accounts(logs_backends):
        return None
    query = logs_backends[account_id][region].queries.get(query_id)
    return None if query is None else list(query.log_group_names)


def group_name_of(identifier: str, account_id: str, region: str) -> str | None:
    """The log group a ``logGroupIdentifier`` names in this account and Region, or None.

    A plain name names itself; an ARN ``arn:PARTITION:logs:REGION:ACCOUNT:log-group:NAME``
    names NAME only when REGION and ACCOUNT are the backend's own.
    """
    if not identifier.startswith("arn:"):
        return identifier or None
    parts = identifier.split(":", 6)
    if len(parts) < 7 or parts[2] != "logs" or parts[5] != "log-group":
        return None
    if parts[3] != region or parts[4] != account_id:
        return None
    return parts[6] or None


def find_log_group(backend: Any, log_group_id: str | None, log_group_name: str | None) -> Any:
    """The group a call names by name or identifier (what moto's ``_find_log_group`` should do)."""
    from moto.logs.exceptions import InvalidParameterException, ResourceNotFoundException

    if log_group_name and log_group_id:
        raise InvalidParameterException(
            msg="LogGroup name and LogGroup identifier cannot be specified together."
        )
    name = log_group_name
    if not name and log_group_id:
        name = group_name_of(log_group_id, backend.account_id, backend.region_name)
    if not name and not log_group_id:
        raise InvalidParameterException(msg="Either logGroupName or logGroupIdentifier is needed.")
    group = backend.groups.get(name) if name else None
    if group is None:
        raise ResourceNotFoundException()
    return group


def _rewrite_identifiers(response: Any) -> None:
    """Replace ``logGroupIdentifier(s)`` in a request body by the names they resolve to."""
    try:
        body = json.loads(response.body or "{}")
    except (TypeError, ValueError):
        return
    if not isinstance(body, dict):
        return
    backend = response.logs_backend
    identifier = body.get("logGroupIdentifier")
    if isinstance(identifier, str) and not body.get("logGroupName"):
        body["logGroupName"] = find_log_group(backend, identifier, None).name
        body.pop("logGroupIdentifier")
    identifiers = body.get("logGroupIdentifiers")
    if isinstance(identifiers, list) and not body.get("logGroupNames"):
        body["logGroupNames"] = [find_log_group(backend, i, None).name for i in identifiers]
        body.pop("logGroupIdentifiers")
    response.body = json.dumps(body)


def log_group_fields(
    group: Any, at_ms: int | None = None, now_ms: int | None = None
) -> list[dict[str, Any]]:
    """GetLogGroupFields' answer for one group (see the module docstring)."""
    if at_ms is not None:
        start, end = at_ms - AROUND_WINDOW_MS, at_ms + AROUND_WINDOW_MS
    else:
        end = now_ms if now_ms is not None else int(time.time() * 1000)
        start = end - RECENT_WINDOW_MS
    events = [
        event
        for stream in list(group.streams.values())
        for event in list(stream.events)
        if start <= event.timestamp <= end
    ]
    if not events:
        return []
    counts: dict[str, int] = dict.fromkeys(SYSTEM_FIELDS, len(events))
    for event in events:
        try:
            parsed = json.loads(event.message)
        except (TypeError, ValueError):
            continue
        if isinstance(parsed, dict):
            for key in parsed:
                counts[str(key)] = counts.get(str(key), 0) + 1
    return [
        {"name": name, "percent": round(100 * count / len(events))}
        for name, count in sorted(counts.items())
    ]


def fix_log_group_lookups(originals: dict[str, Any]) -> None:
    """Patch moto's Logs backend and responses as the module docstring says (call once)."""
    from moto.logs.models import LogsBackend
    from moto.logs.responses import LogsResponse

    with LOCK:
        originals["LogsBackend._find_log_group"] = LogsBackend._find_log_group
        original_filter = LogsResponse.filter_log_events
        original_query = LogsResponse.start_query
        originals["LogsResponse.filter_log_events"] = original_filter
        originals["LogsResponse.start_query"] = original_query

        def _find_log_group(
            self: Any, log_group_id: str | None = None, log_group_name: str | None = None
        ) -> Any:
            return find_log_group(self, log_group_id, log_group_name)

        def filter_log_events(self: Any) -> Any:
            _rewrite_identifiers(self)
            return original_filter(self)

        def start_query(self: Any) -> Any:
            _rewrite_identifiers(self)
            return original_query(self)

        def get_log_group_fields(self: Any) -> str:
            body = json.loads(self.body or "{}")
            group = find_log_group(
                self.logs_backend, body.get("logGroupIdentifier"), body.get("logGroupName")
            )
            at = body.get("time")
            at_ms = int(at) * 1000 if isinstance(at, int | float) else None
            return json.dumps({"logGroupFields": log_group_fields(group, at_ms)})

        LogsBackend._find_log_group = _find_log_group  # type: ignore[method-assign]
        LogsResponse.filter_log_events = filter_log_events  # type: ignore[method-assign]
        LogsResponse.start_query = start_query  # type: ignore[method-assign]
        LogsResponse.get_log_group_fields = get_log_group_fields  # type: ignore[attr-defined]
