"""The service front for CloudWatch Logs and EventBridge: every call read, verified, decided.

``pipeline.Gateway`` runs the steps; ``request_input`` reads the call, ``decide`` asks the
policy engine (the lab's one authorization step, which the control front uses too), ``hooks``
holds each service's rules that moto lacks, ``decision_log`` keeps one ``DecisionRecord`` per
request.
"""
