"""Documents that travel with goods: manifests, handover acts, receipts, certificates (PDF)."""
