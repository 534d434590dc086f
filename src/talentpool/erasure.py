"""Erasure (DM6): the right to be forgotten, in one transaction, on every store.

:meth:`Erasure.erase` removes a candidate from everything talentpool holds: the
candidate with their tags, languages, fields and full-text entry, their
submissions (and the shares those carried), their attachments, the
notifications about them in every bell and digest queue, and their id from
every requisition's pool exclusions. Pools, listings, folder counts and
micro-pools are computed from those rows, so the candidate leaves them all at
once. The audit trail keeps its events, but every one that named the candidate
names a **pseudonym** instead (``erased-1``, say): their id in every field, and
their id and full name in every reason. A :class:`~talentpool.events.CandidateErased`
event records who erased, when, and the pseudonym, never the candidate's id.

* Only a system administrator may erase; anyone else gets
  :class:`~talentpool.errors.PermissionDeniedError` and nothing changes.
* Everything happens in one unit of work: if any step fails, nothing is erased.
* Erasing again, or erasing an id the store never held, changes nothing and
  returns a report with ``erased`` false: a host's retry after a timeout is safe.

What the library cannot reach is the host's: messages already delivered, and
the host's own copies of the candidate.
"""

from __future__ import annotations

import re
from typing import Any

import attrs

from talentpool.clock import Clock, checked
from talentpool.errors import DomainError, NotFoundError
from talentpool.events import CandidateErased, DomainEvent
from talentpool.guards import require_administrator
from talentpool.ids import CandidateId, UserId
from talentpool.ports import ErasedRows, ErasureStore, IdGenerator

__all__ = ["Erasure", "ErasureReport", "pseudonymised"]


@attrs.frozen
class ErasureReport:
    """What one erasure did (DM6).

    Attributes:
        erased: Whether there was anything to erase; ``False`` when the candidate
            was erased before (or never stored), and then nothing changed.
        pseudonym: What stands for the candidate in the audit trail, or ``None``
            when nothing was erased.
        removed: The rows the store removed.
        events_pseudonymised: How many audit events now name the pseudonym.
    """

    erased: bool
    pseudonym: str | None = None
    removed: ErasedRows = attrs.field(factory=ErasedRows)
    events_pseudonymised: int = 0


def _mentions(text: str) -> re.Pattern[str]:
    # a whole id or name, not part of a longer word ("c1" must not touch "c10")
    return re.compile(rf"(?<![\w-]){re.escape(text)}(?![\w-])")


def pseudonymised(
    event: DomainEvent, candidate_id: CandidateId, names: tuple[str, ...], pseudonym: str
) -> DomainEvent:
    """Return *event* with the candidate replaced by *pseudonym*, or *event* itself if untouched.

    Every field of candidate ids holding the candidate's (alone, or in a tuple or
    set) holds the pseudonym instead, and the reason has the id and each of *names* replaced. The
    one rule for every store (DM6).
    """
    changes: dict[str, Any] = {}
    for field in attrs.fields(type(event)):
        value = getattr(event, field.name)
        if field.name == "reason" and isinstance(value, str):
            text = value
            for found in (candidate_id, *names):
                if found:
                    text = _mentions(found).sub(pseudonym, text)
            if text != value:
                changes[field.name] = text
        elif "CandidateId" not in str(field.type):
            continue  # a user or requisition id that happens to be spelled the same stays
        elif isinstance(value, str) and value == candidate_id:
            changes[field.name] = pseudonym
        elif isinstance(value, tuple | frozenset) and candidate_id in value:
            swapped = (pseudonym if v == candidate_id else v for v in value)
            changes[field.name] = type(value)(swapped)
    return attrs.evolve(event, **changes) if changes else event


class Erasure:
    """Erases candidates (DM6); see the module docs.

    Args:
        uow: The store.
        clock: Where "now" comes from, for the audit event.
        ids: Where pseudonyms come from (``ids.new_id("erased")``).
    """

    def __init__(self, uow: ErasureStore, clock: Clock, ids: IdGenerator) -> None:
        self._uow = uow
        self._clock = checked(clock)
        self._ids = ids

    def erase(self, admin_id: UserId, candidate_id: CandidateId) -> ErasureReport:
        """Erase the candidate everywhere, in one unit of work; administrators only.

        Raises ``PermissionDeniedError`` for anyone else (nothing changes), and
        ``DomainError`` for an id that is not a non-blank string.
        """
        if not isinstance(candidate_id, str) or not candidate_id.strip():
            raise DomainError("candidate_id", candidate_id, "must be a non-blank candidate id")
        uow = self._uow
        with uow:
            require_administrator(uow.users, admin_id, "erase a candidate")
            try:
                candidate = uow.candidates.get(candidate_id)
            except NotFoundError:
                return ErasureReport(erased=False)
            pseudonym = self._ids.new_id("erased")
            names = tuple(n for n in (candidate.name,) if n.strip())
            removed = uow.erasure.erase(candidate_id)
            changed = uow.events.rewrite(
                (candidate_id, *names),
                lambda e: pseudonymised(e, candidate_id, names, pseudonym),
            )
            uow.events.append(
                CandidateErased(
                    occurred_at=self._clock.now(),
                    actor_id=admin_id,
                    pseudonym=pseudonym,
                    reason=f"{admin_id} erased a candidate, now called {pseudonym} in the trail",
                )
            )
            uow.commit()
        return ErasureReport(True, pseudonym, removed, changed)
