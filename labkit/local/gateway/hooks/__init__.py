"""Per-service rules the gateway applies around moto (one module per service)."""
