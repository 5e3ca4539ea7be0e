"""The erasure ledger: every erasure leaves a row that names nobody, and after a backup is restored
`flask --app app reapply-erasures` erases again, by the same path, everyone the backup brought back.

A row holds the account's old id and an HMAC-SHA256 of its address and creation time, keyed with
ERASURE_LEDGER_KEY (or, when that is unset, a key derived from SECRET_KEY). Without the key the hash cannot be
checked against a list of addresses; with a different key no row matches any more, so keep the key.

The ledger lives in the database, which a restore replaces: every backup also saves the whole ledger beside it
(erasure-ledger.json, merged with the rows already there, so it only grows), and reapplying reads that file."""
import hashlib
import hmac
import json
from datetime import datetime, timezone
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import Erasure, User

LEDGER_FILE = "erasure-ledger.json"


def ledger_key() -> bytes:
    """ERASURE_LEDGER_KEY, or a key derived from SECRET_KEY (then changing SECRET_KEY breaks matching)."""
    own = current_app.config.get("ERASURE_LEDGER_KEY")
    if own:
        return own.encode()
    return hmac.new(str(current_app.config["SECRET_KEY"]).encode(), b"erasure-ledger", hashlib.sha256).digest()


def fingerprint(user: User) -> str:
    """The keyed hash of the account's id, address and creation time."""
    # The creation time tells apart someone erased who signs up again: a new account (on SQLite perhaps with the
    # same id back), which a later reapply must leave alone.
    created = user.created_at.astimezone(timezone.utc).isoformat()
    message = f"{user.id}\n{user.email.strip().lower()}\n{created}".encode()
    return hmac.new(ledger_key(), message, hashlib.sha256).hexdigest()


def record(user: User, now: datetime) -> None:
    """Add the person's row to the ledger in the caller's transaction (once: reapplying adds nothing)."""
    mark = fingerprint(user)
    if db.session.scalar(select(Erasure.id).where(Erasure.fingerprint == mark)) is None:
        db.session.add(Erasure(user_id=user.id, fingerprint=mark, erased_at=now))


def save(path: Path) -> int:
    """Merge the database's ledger into the file at path (written whole, then renamed); the rows it holds."""
    entries = {entry["fingerprint"]: entry for entry in _read(path)}
    for entry in db.session.scalars(select(Erasure).order_by(Erasure.id)):
        entries.setdefault(entry.fingerprint, {"user_id": entry.user_id, "fingerprint": entry.fingerprint,
                                               "erased_at": entry.erased_at.isoformat()})
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(sorted(entries.values(), key=lambda e: (e["erased_at"], e["user_id"])), indent=0))
    partial.replace(path)
    return len(entries)


def load(path: Path) -> int:
    """Add the file's rows that the database lacks (after a restore); the number added."""
    known = set(db.session.scalars(select(Erasure.fingerprint)))
    added = [Erasure(user_id=e["user_id"], fingerprint=e["fingerprint"], erased_at=datetime.fromisoformat(e["erased_at"]))
             for e in _read(path) if e["fingerprint"] not in known]
    db.session.add_all(added)
    db.session.flush()
    return len(added)


def _read(path: Path) -> list[dict]:
    return json.loads(path.read_text()) if path.exists() else []


def reapply(now: datetime) -> int:
    """Erase again every account in the ledger that is back (after a restore); the number erased."""
    from .privacy import erase

    erased = 0
    for entry in list(db.session.scalars(select(Erasure).order_by(Erasure.id))):
        user = db.session.get(User, entry.user_id)
        if user is not None and fingerprint(user) == entry.fingerprint:
            erase(user, now, cause="erasure_reapplied", tell=False)
            erased += 1
    return erased
