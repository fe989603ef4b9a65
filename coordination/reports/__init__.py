"""Attribution, public verification, donor follow-up, disputes and exports for auditors."""
