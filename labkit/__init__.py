"""labkit: a hands-on lab on VPC interface endpoint policies for CloudWatch Logs and EventBridge."""

from __future__ import annotations

__version__ = "0.1.0"
