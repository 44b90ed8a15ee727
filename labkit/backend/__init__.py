"""What every lab backend shares: the contract the public ``Lab`` calls, and its value types.

``contract`` (the ``Backend`` protocol, network and identity facts), ``calls`` (``Call``),
``record`` (``DecisionRecord``), ``errors`` (``LabError`` and kin), ``run_ids`` and ``pricing``.
The local lab (``labkit.local``) and real AWS (``labkit.aws``) implement the contract; nothing
here knows either.
"""
