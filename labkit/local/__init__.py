"""The local lab: the AWS world in moto behind labkit's own fronts, all on 127.0.0.1.

Kernel side: :class:`labkit.local.backend.LocalBackend` (the ``Backend`` the public ``Lab``
uses) over :class:`labkit.local.process.launcher.LocalLab` (starts and talks to the lab process).
Lab-process side, in layers (each imports only the ones below it)::

    process   the lab process: start-up order, control API, env file, LabInfo
    front     the control front (EC2, IAM, STS) and its EC2 validations and fix-ups
    network   egress routing, DNS responder, instance-metadata stand-in, refusing proxy
    gateway   the service front of Logs/EventBridge: input, signature, decision, service hooks
    world     the AWS state: moto behind one adapter, the scenario seeder, LabState
    wire      HTTP listener base, SigV4, AWS wire formats, forwarders
"""
