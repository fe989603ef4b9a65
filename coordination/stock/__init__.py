"""Stock: lots by location, each with exactly one origin, and their movements."""
