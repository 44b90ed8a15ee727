"""The control front: EC2, IAM and STS, every call authorized, refused in each service's words.

``control.ControlFront`` runs the steps; ``query_input`` reads a query-protocol call, ``rules``
holds each service's refusals and own answers, ``authorization_messages`` EC2's encoded messages,
``ec2`` the VPC-endpoint validations and fix-ups.
"""
