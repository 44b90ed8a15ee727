"""The lab's AWS world: moto (touched only through ``moto_adapter``), seeding, ``LabState``."""
