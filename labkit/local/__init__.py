"""The local lab: moto behind labkit's control front, endpoint gateway, DNS and metadata stand-ins.

Start one with :class:`labkit.local.process.LocalLab`; everything runs in a child process bound
to 127.0.0.1 on OS-chosen ports.
"""
