"""The kernel: what every domain shares. No Flask, and no import of any domain package."""
