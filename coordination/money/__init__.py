"""Money: money donations, purchases, materials funding of batches, balances and totals."""
