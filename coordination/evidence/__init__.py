"""Evidence: photos and scans of signed receipts attached to handovers, checked and stored."""
