"""Bytes on loopback: the one HTTP listener base, SigV4, AWS's wire formats, forwarders."""
