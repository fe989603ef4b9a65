"""Merkle tree against the transparency-dev/merkle vectors and an independent RFC model."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from coordination.ledger import merkle

VECTORS = Path(__file__).resolve().parents[3] / "shared" / "vectors"
RFC6962 = VECTORS / "rfc6962"
if not RFC6962.is_dir():
    pytest.skip(
        f"reference vectors not found at {RFC6962} (expected the repo's sibling shared/)",
        allow_module_level=True,
    )

VECTOR_FILES = sorted(
    [*(RFC6962 / "inclusion").rglob("*.json"), *(RFC6962 / "consistency").rglob("*.json")]
)
ROOTS = json.loads((RFC6962 / "roots.json").read_text())
REF_LEAVES = [merkle.leaf_hash(bytes.fromhex(h)) for h in ROOTS["leaf_inputs_hex"]]


def _b64(value: str | None) -> bytes:
    return base64.b64decode(value or "")


def _proof(case: dict[str, Any]) -> list[bytes]:
    return [_b64(h) for h in case["proof"] or []]  # Go marshals an empty proof as null


def _check(case: dict[str, Any]) -> None:
    if "leafIdx" in case:
        merkle.verify_inclusion(
            _b64(case["leafHash"]),
            case["leafIdx"],
            case["treeSize"],
            _proof(case),
            _b64(case["root"]),
        )
    else:
        merkle.verify_consistency(
            case["size1"], case["size2"], _proof(case), _b64(case["root1"]), _b64(case["root2"])
        )


def test_all_vector_files_are_present() -> None:
    assert len(VECTOR_FILES) == 196


@pytest.mark.parametrize(
    "path", VECTOR_FILES, ids=[str(p.relative_to(RFC6962)) for p in VECTOR_FILES]
)
def test_vector(path: Path) -> None:
    case = json.loads(path.read_text())
    if case["wantErr"]:
        with pytest.raises(ValueError):
            _check(case)
    else:
        _check(case)


def test_reference_roots() -> None:
    expected = ROOTS["root_hashes_hex_by_tree_size"]
    assert len(expected) == len(REF_LEAVES) + 1
    for size, root_hex in enumerate(expected):
        assert merkle.root_hash(REF_LEAVES[:size]).hex() == root_hex


# An independent model: the recursive definitions of RFC 9162 section 2.1, written without
# any of the iteration or stored-node tricks used by the module under test.
def _mth(d: list[bytes]) -> bytes:
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return d[0]
    k = 1 << ((len(d) - 1).bit_length() - 1)
    return hashlib.sha256(b"\x01" + _mth(d[:k]) + _mth(d[k:])).digest()


def _path(m: int, d: list[bytes]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = 1 << ((len(d) - 1).bit_length() - 1)
    if m < k:
        return [*_path(m, d[:k]), _mth(d[k:])]
    return [*_path(m - k, d[k:]), _mth(d[:k])]


def _subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    if m == len(d):
        return [] if b else [_mth(d)]
    k = 1 << ((len(d) - 1).bit_length() - 1)
    if m <= k:
        return [*_subproof(m, d[:k], b), _mth(d[k:])]
    return [*_subproof(m - k, d[k:], False), _mth(d[:k])]


LEAVES_64 = [merkle.leaf_hash(f"entry {i}".encode()) for i in range(64)]


@pytest.mark.parametrize("size", range(1, 65))
def test_own_proofs_match_rfc_model_and_verify(size: int) -> None:
    leaves = LEAVES_64[:size]
    root = merkle.root_hash(leaves)
    assert root == _mth(leaves)
    for index in range(size):
        proof = merkle.inclusion_proof(leaves, index)
        assert proof == _path(index, leaves)
        merkle.verify_inclusion(leaves[index], index, size, proof, root)
    for size1 in range(1, size + 1):
        proof = merkle.consistency_proof(leaves, size1)
        assert proof == _subproof(size1, leaves, True)
        merkle.verify_consistency(size1, size, proof, merkle.root_hash(leaves[:size1]), root)


def test_own_proofs_equal_vector_proofs() -> None:
    roots = [merkle.root_hash(REF_LEAVES[:n]) for n in range(len(REF_LEAVES) + 1)]
    compared = 0
    for path in VECTOR_FILES:
        case = json.loads(path.read_text())
        if case["wantErr"]:
            continue
        if "leafIdx" in case:
            size, index = case["treeSize"], case["leafIdx"]
            if size <= len(REF_LEAVES) and _b64(case["root"]) == roots[size]:
                assert merkle.inclusion_proof(REF_LEAVES[:size], index) == _proof(case), path
                compared += 1
        else:
            size1, size2 = case["size1"], case["size2"]
            if (
                0 < size1 <= size2 <= len(REF_LEAVES)
                and _b64(case["root1"]) == roots[size1]
                and _b64(case["root2"]) == roots[size2]
            ):
                assert merkle.consistency_proof(REF_LEAVES[:size2], size1) == _proof(case), path
                compared += 1
    assert compared >= 10  # the happy-path vectors are built on the reference leaves


class _Store:
    """Stored nodes as a database would keep them, counting lookups."""

    def __init__(self) -> None:
        self.nodes: dict[tuple[int, int], bytes] = {}
        self.lookups = 0

    def get(self, level: int, position: int) -> bytes:
        self.lookups += 1
        return self.nodes[(level, position)]

    def append(self, index: int, leaf: bytes) -> None:
        for level, position, digest in merkle.nodes_completed_by_append(index, leaf, self.get):
            self.nodes[(level, position)] = digest


def test_stored_nodes_serve_the_same_proofs() -> None:
    store = _Store()
    subtree = merkle.subtree_from_stored(store.get)
    for size, leaf in enumerate(LEAVES_64, start=1):
        store.append(size - 1, leaf)
        leaves = LEAVES_64[:size]
        assert merkle.root_from(subtree, size) == merkle.root_hash(leaves)
        for index in range(size):
            assert merkle.inclusion_proof_from(subtree, size, index) == _path(index, leaves)
        for size1 in range(1, size + 1):
            expected = _subproof(size1, leaves, True)
            assert merkle.consistency_proof_from(subtree, size1, size) == expected
    assert len(store.nodes) == 2 * 64 - 1  # a perfect tree of 64 leaves, nothing more


def test_stored_proofs_cost_logarithmic_lookups() -> None:
    store = _Store()
    size = 5000
    for index in range(size):
        store.append(index, merkle.leaf_hash(index.to_bytes(4, "big")))
    subtree = merkle.subtree_from_stored(store.get)
    bound = 3 * size.bit_length()
    for index in (0, 1, 2047, 2048, 4095, 4096, size - 1):
        store.lookups = 0
        merkle.inclusion_proof_from(subtree, size, index)
        assert store.lookups <= bound, index
    for size1 in (1, 3, 1024, 4097, size - 1):
        store.lookups = 0
        merkle.consistency_proof_from(subtree, size1, size)
        assert store.lookups <= bound, size1


def test_complete_subtrees_ending_at_matches_definition() -> None:
    for index in range(300):
        expected = [
            (level, position)
            for level in range(12)
            for position in range(300)
            if (position + 1) << level == index + 1
        ]
        assert merkle.complete_subtrees_ending_at(index) == expected


def test_stored_subtree_rejects_unaligned_ranges() -> None:
    store = _Store()
    for index in range(8):
        store.append(index, LEAVES_64[index])
    with pytest.raises(ValueError, match="aligned"):
        merkle.subtree_from_stored(store.get)(1, 3)


H = bytes(32)


@pytest.mark.parametrize(
    "call",
    [
        lambda: merkle.verify_inclusion(H, 1, 1, [], H),  # index == size
        lambda: merkle.verify_inclusion(H, 0, 0, [], H),
        lambda: merkle.verify_inclusion(H, -1, 2, [H], H),
        lambda: merkle.verify_inclusion(H, True, 2, [H], H),  # bool is not an index
        lambda: merkle.verify_inclusion(H, 0, 2.0, [H], H),  # type: ignore[arg-type]
        lambda: merkle.verify_inclusion("00" * 32, 0, 1, [], H),  # type: ignore[arg-type]
        lambda: merkle.verify_inclusion(H, 0, 2, H, H),  # type: ignore[arg-type]
        lambda: merkle.verify_inclusion(H, 0, 2, [H[:31]], H),
        lambda: merkle.verify_inclusion(H, 0, 1, [], H + b"\x00"),
        lambda: merkle.verify_consistency(2, 1, [], H, H),
        lambda: merkle.verify_consistency(0, 0, [], H, H),  # size 0 has one possible root
        lambda: merkle.verify_consistency(0, 3, [], merkle.EMPTY_ROOT, H),
        lambda: merkle.verify_consistency(1, 2, [H[:16]], H, H),
        lambda: merkle.verify_consistency(1, 2, [H], "x", H),  # type: ignore[arg-type]
        lambda: merkle.verify_consistency(1, 2, None, H, H),  # type: ignore[arg-type]
        lambda: merkle.inclusion_proof([], 0),
        lambda: merkle.inclusion_proof([H], 1),
        lambda: merkle.consistency_proof([H, H], 0),
        lambda: merkle.consistency_proof([H], 2),
        lambda: merkle.root_hash([b"short"]),
    ],
)
def test_malformed_input_is_rejected(call: Any) -> None:
    with pytest.raises(ValueError):
        call()


def test_empty_tree_edge_cases() -> None:
    assert merkle.root_hash([]) == merkle.EMPTY_ROOT == hashlib.sha256(b"").digest()
    merkle.verify_consistency(0, 0, [], merkle.EMPTY_ROOT, merkle.EMPTY_ROOT)
    assert merkle.consistency_proof([H, H], 2) == []
