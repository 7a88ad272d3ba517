"""How an audit row is hashed: canonical JSON of its content and the previous row's hash."""

import hashlib
import json

GENESIS = "0" * 64


def entry_content(entry) -> dict:
    return {
        "kind": entry.kind,
        "actor": entry.actor_id,
        "action": entry.action,
        "subject_type": entry.subject_type,
        "subject_id": entry.subject_id,
        "subject_user": entry.subject_user_id,
        "reason": entry.reason,
        "data": entry.data,
        "created_at": entry.created_at.isoformat(timespec="microseconds"),
    }


def entry_hash(previous_hash: str, content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{previous_hash}\n{canonical}".encode()).hexdigest()
