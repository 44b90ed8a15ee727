"""The control front: EC2, IAM and STS on loopback, with EC2's validations and fix-ups."""
