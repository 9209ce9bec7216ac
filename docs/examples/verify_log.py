#!/usr/bin/env python3
"""An outsider's check of a govx log, written from docs/ledger-format.md alone (standard
library only): canonical form (§2), hash chain (§3) and the Merkle root (§6) against a
checkpoint (§7). Signatures need an Ed25519/SM2 library and are left out here.

usage: verify_log.py LOG.jsonl CHECKPOINT.txt    (exit 0 ok, 1 bad)
"""
import base64, hashlib, json, sys


def canonical(value):
    # RFC 8785 for integer-only JSON: sorted members (UTF-16 order), no white space,
    # strings as ECMAScript writes them (json.dumps with ensure_ascii=False is close enough
    # for the BMP; lone surrogates cannot occur in UTF-8 input).
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"),
                      sort_keys=True, allow_nan=False)


def h(data):
    return hashlib.sha256(data).digest()


def mth(leaves):  # RFC 9162 §2.1.1
    if not leaves:
        return h(b"")
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return h(b"\x01" + mth(leaves[:k]) + mth(leaves[k:]))


def main(log_path, checkpoint_path):
    leaves, prev = [], "00" * 32
    with open(log_path, "rb") as f:
        for seq, line in enumerate(f.read().splitlines()):
            entry = json.loads(line)
            if canonical(entry).encode("utf-8") != line:
                return f"entry {seq}: not canonical"
            if entry["seq"] != seq or entry["prev"] != prev:
                return f"entry {seq}: broken chain"
            leaf = h(b"\x00" + line)
            leaves.append(leaf)
            prev = leaf.hex()
    text = open(checkpoint_path, encoding="utf-8").read().split("\n\n")[0]
    origin, size, root = text.split("\n")[:3]
    if mth(leaves[: int(size)]) != base64.b64decode(root):
        return f"root of {size} entries differs from the checkpoint of {origin}"
    print(f"ok: {len(leaves)} entries, root {mth(leaves).hex()}")
    return None


if __name__ == "__main__":
    problem = main(sys.argv[1], sys.argv[2])
    if problem:
        print(problem, file=sys.stderr)
        sys.exit(1)
