"""AidTrail's side of witnessing: the policy setting, asking witnesses, storing and serving
their cosignatures. The witness itself (what others run) is coordination/witness."""
