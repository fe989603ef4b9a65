"""The demo world fixture, shared with the manifest tests (printed proofs need deliveries)."""

from tests.manifests.conftest import demo  # noqa: F401 - a fixture, used by name
