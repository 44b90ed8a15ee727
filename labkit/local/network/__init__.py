"""The instance's network: egress routing that follows DNS, the DNS views, IMDS, the guard."""
