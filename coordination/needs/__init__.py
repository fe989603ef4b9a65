"""Needs: what families and units ask for, and how coordinators triage it."""
