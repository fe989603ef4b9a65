"""The item catalog: what volunteers make, collect and send."""
