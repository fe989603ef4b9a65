"""Parties (groups, donors, units, households, couriers, officials, campaigns) and places."""
