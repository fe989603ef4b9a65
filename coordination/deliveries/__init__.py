"""Deliveries: stock allocated to needs, shipped, handed over with evidence, received."""
