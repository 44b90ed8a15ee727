"""Set-up of a real-AWS run, one resource type per module, each "find by tag, else create".

``network`` (the lab VPC, subnets in three AZs, internet gateway and routes, or the learner's
VPC read as it is; security groups), ``role`` (the instance role with the walkthrough's policies
and SSM access), ``instance`` (the lab instance, latest Amazon Linux), ``data`` (log groups,
streams, event buses), and ``run`` (all of them in order, idempotent for one run ID).
"""
