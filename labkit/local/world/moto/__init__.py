"""The only code that reaches into moto's internals (moto is pinned to 5.2.5 in pyproject).

One adapter, split by service: ``server`` (moto's threaded server on loopback, the environment
moto reads at import), ``backends`` (moto's per-account state), ``ec2_endpoints`` (interface
endpoints corrected to look and behave as on AWS), ``ec2_network`` (VPCs, subnets, security
groups, routes, the instance), ``iam`` (credentials and the policies of users and roles,
STS sessions), ``logs`` and ``events`` (resource tags and bus policies). Each turns moto's
objects into the plain views of :mod:`labkit.local.world.views`.

moto's own modules are imported inside the functions that use them: moto reads settings from
the environment when it is imported (``server.prepare_environment`` sets them first), and the
kernel side of labkit never pays for importing moto.

A moto upgrade is a change to this package only; ``tests/local/world/test_moto_adapter.py``
fails if moto's behaviour underneath these corrections changes.
"""
