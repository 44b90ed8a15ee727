"""EC2 control-plane fidelity for VPC endpoints: AWS's validations, wire errors and shapes.

Nothing here imports moto: state is read and corrected through ``labkit.local.world.moto``.
"""
