"""CloudWatch Logs state: log groups and their tags."""

from __future__ import annotations

from labkit.local.world.moto.backends import known_accounts


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
