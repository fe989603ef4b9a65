"""C2SP tlog-policy: which logs and witnesses to trust, and how many witnesses must cosign.

    log <vkey> [<url>]
    witness <name> <vkey> [<url>]
    group <name> all|any|<k> <member>...
    quorum <name>|none

Parsed strictly (the spec's rules: names defined before use, each member once, no
duplicate keys, exactly one quorum line), because a lenient reading of a trust policy is
a weaker one. Standard library and `cryptography` only (the offline verifier uses it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from . import note
from .cosignature import CosignatureVerifier, verify_cosignatures
from .notekeys import Verifier

NONE = "none"
MAX_ITEMS = 256  # logs, witnesses and groups each; the spec asks for at least 32


@dataclass(frozen=True)
class Witness:
    name: str  # the policy's name for it, not its key name
    verifier: CosignatureVerifier
    url: str | None = None


@dataclass(frozen=True)
class Group:
    name: str
    threshold: int
    members: tuple[str, ...]


@dataclass
class Policy:
    logs: list[Verifier] = field(default_factory=list)
    log_urls: dict[str, str] = field(default_factory=dict)
    witnesses: dict[str, Witness] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    quorum: str = NONE

    def satisfied(self, cosigned: Iterable[str], name: str | None = None) -> bool:
        """Whether the witnesses named in `cosigned` meet the quorum (or group `name`)."""
        names = set(cosigned)
        target = self.quorum if name is None else name
        if target == NONE:
            return True
        if target in self.witnesses:
            return target in names
        group = self.groups[target]
        met = sum(1 for member in group.members if self.satisfied(names, member))
        return met >= group.threshold

    def cosigners(self, note_text: str) -> list[str]:
        """Policy names of the witnesses whose valid cosignatures the note carries."""
        by_key = {w.verifier.key: w.name for w in self.witnesses.values()}
        found = verify_cosignatures(note_text, [w.verifier for w in self.witnesses.values()])
        return sorted(by_key[key] for key in found)

    def describe_quorum(self) -> str:
        if self.quorum == NONE:
            return "no cosignatures required"
        if self.quorum in self.witnesses:
            return f"witness {self.quorum}"
        group = self.groups[self.quorum]
        return f"{group.threshold} of {', '.join(group.members)}"


def parse_policy(text: str) -> Policy:
    """Parse tlog-policy text; ValueError names the line that is wrong."""
    policy = Policy()
    public_keys: set[bytes] = set()
    quorum_seen = False
    for number, raw in enumerate(text.split("\n"), start=1):
        if any((c < " " and c != "\t") or c == "\x7f" for c in raw):
            raise ValueError(f"policy line {number}: control character")
        words = raw.replace("\t", " ").split()
        if not words or words[0].startswith("#"):
            continue
        try:
            quorum_seen = _parse_line(policy, words, public_keys, quorum_seen)
        except ValueError as exc:
            raise ValueError(f"policy line {number}: {exc}") from None
    if not quorum_seen:
        raise ValueError("policy has no quorum line")
    return policy


def _defined(policy: Policy, name: str) -> bool:
    return name in policy.witnesses or name in policy.groups


def _parse_line(policy: Policy, words: list[str], keys: set[bytes], quorum_seen: bool) -> bool:
    kind, args = words[0], words[1:]
    if kind == "log" and len(args) in (1, 2):
        verifier = Verifier.from_key(args[0])
        _unique_key(keys, verifier.public_key)
        policy.logs.append(verifier)
        if len(args) == 2:
            policy.log_urls[verifier.name] = args[1]
    elif kind == "witness" and len(args) in (2, 3):
        name = _new_name(policy, args[0])
        cosigner = CosignatureVerifier.from_key(args[1])
        _unique_key(keys, cosigner.public_key)
        policy.witnesses[name] = Witness(name, cosigner, args[2] if len(args) == 3 else None)
    elif kind == "group" and len(args) >= 3:
        name, k, members = _new_name(policy, args[0]), args[1], tuple(args[2:])
        if len(set(members)) != len(members):
            raise ValueError("a group lists each member at most once")
        for member in members:
            if not _defined(policy, member):
                raise ValueError(f"group member {member!r} is not defined above")
        threshold = {"all": len(members), "any": 1}.get(k) or _threshold(k, len(members))
        policy.groups[name] = Group(name, threshold, members)
    elif kind == "quorum" and len(args) == 1:
        if quorum_seen:
            raise ValueError("a policy has exactly one quorum line")
        if args[0] != NONE and not _defined(policy, args[0]):
            raise ValueError(f"quorum {args[0]!r} is not defined above")
        policy.quorum = args[0]
        return True
    else:
        raise ValueError(f"cannot read a {kind!r} line with {len(args)} fields")
    if max(len(policy.logs), len(policy.witnesses), len(policy.groups)) > MAX_ITEMS:
        raise ValueError(f"more than {MAX_ITEMS} logs, witnesses or groups")
    return quorum_seen


def _new_name(policy: Policy, name: str) -> str:
    if name == NONE or _defined(policy, name):
        raise ValueError(f"name {name!r} is reserved or already defined")
    return name


def _unique_key(keys: set[bytes], public_key: bytes) -> None:
    if public_key in keys:
        raise ValueError("the same public key is listed twice")
    keys.add(public_key)


def _threshold(k: str, n: int) -> int:
    if not (k.isascii() and k.isdigit()) or k != str(int(k)) or not 1 <= int(k) <= n:
        raise ValueError(f"group threshold {k!r} must be all, any or 1..{n}")
    return int(k)


def check_checkpoint(
    note_text: str, policy: Policy, log_verifiers: Iterable[Verifier] = ()
) -> tuple[note.Checkpoint, list[str]]:
    """The checkpoint and who cosigned it, if a trusted log signed it and the quorum cosigned.

    Logs come from the policy and `log_verifiers` (a log's key known from elsewhere).
    """
    checkpoint = note.open_checkpoint(note_text, [*policy.logs, *log_verifiers])
    names = policy.cosigners(note_text)
    if not policy.satisfied(names):
        who = ", ".join(names) if names else "no witness"
        raise ValueError(
            f"checkpoint {checkpoint.size} is cosigned by {who}; "
            f"the policy needs {policy.describe_quorum()}"
        )
    return checkpoint, names


def verify_tlog_proof(
    proof_text: str, entry_bytes: bytes, policy: Policy, log_verifiers: Iterable[Verifier] = ()
) -> tuple[note.Checkpoint, list[str]]:
    """A tlog-proof checked as note.verify_tlog_proof does, plus the policy's quorum."""
    proof = note.parse_tlog_proof(proof_text)
    checkpoint, names = check_checkpoint(proof.checkpoint, policy, log_verifiers)
    note.verify_tlog_proof(proof_text, entry_bytes, [*policy.logs, *log_verifiers])
    return checkpoint, names
