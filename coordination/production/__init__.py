"""Production: batches that groups make (an origin of goods)."""
