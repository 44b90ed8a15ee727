"""The lab process: its start-up and shutdown, its control API, and what the kernel is told.

``launcher.LocalLab`` runs in the kernel and starts ``python -m labkit.local.process.server``.
"""
