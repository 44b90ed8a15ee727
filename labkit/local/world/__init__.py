"""The lab's AWS world: moto (touched only through ``world.moto``), seeding, ``LabState``."""
