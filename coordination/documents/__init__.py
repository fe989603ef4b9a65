"""Documents that travel with goods: manifests, handover acts, receipts, certificates.

The PDF kit, labels and QR codes, and the document types built on them.
"""
