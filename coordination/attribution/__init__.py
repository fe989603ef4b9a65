"""Attribution: the walk from delivered goods to their true sources (makers, donors, funders)."""
