"""The real-AWS backend (explicit opt-in): read-only until confirmed, only its own run, ever.

``backend`` (the ``Backend`` over a boto3 session), ``setup/`` (what a run creates, by tag),
``runners`` and ``instance_probe`` (calls and ``dig`` from inside the VPC), ``wire`` and
``routes`` (requests serialized here, answers parsed here, the path from the address reached),
``response_record`` (rows from what a call returned), ``cleanup`` and ``cleanup_api`` (delete by
tag), ``errors`` (actionable errors), ``organization`` (what an explanation cannot see), ``runs``
(the run remembered per account and Region), ``permissions`` (what labkit needs in an account).
"""
