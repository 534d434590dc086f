"""The errors talentpool raises: one root, one class per area.

Every error the public API raises on purpose derives from :class:`TalentpoolError`.
Each area has one class, and each class is also the builtin exception that fits,
so ``except ValueError`` or ``except PermissionError`` in a host keeps working::

    TalentpoolError
    ├── DomainError(ValueError)          bad input to a domain object: naive
    │                                    datetime, blank tag, latitude out of range
    ├── CriteriaError(ValueError)        a malformed, unknown or out-of-range
    │                                    criteria, template or stored-event
    │                                    document; carries the path
    ├── ConfigurationError(ValueError)   a setting that cannot be honoured, such
    │                                    as a radius on a requisition with no
    │                                    primary location
    ├── NotFoundError(LookupError)       an id the repositories do not hold
    ├── PermissionDeniedError(PermissionError)
    │                                    the user may not do this; nothing changed
    ├── FeatureDisabledError(PermissionError)
    │                                    the feature is switched off for the account
    ├── ActionValidationError(ValueError)
    │                                    an action is missing required input;
    │                                    lists every missing item; nothing written
    ├── ConflictError(RuntimeError)      the write would contradict the current
    │                                    state, such as matching a candidate who is
    │                                    already on the requisition
    ├── DeliveryError(RuntimeError)      some notifications could not be sent;
    │                                    the change itself was saved; lists each
    │                                    failed user and channel
    └── StorageError(RuntimeError)       the store could not do what was asked;
        │                                says what to do; nothing half-written
        ├── StoreBusyError               another process held the database
        │                                longer than the store's timeout
        └── SchemaVersionError           the database was written by a newer
                                         talentpool; nothing was written

Messages name the field (or the path) and the offending value, and each error
keeps them as attributes for hosts that render their own messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

__all__ = [
    "ActionValidationError",
    "ConfigurationError",
    "ConflictError",
    "CriteriaError",
    "DeliveryError",
    "DeliveryFailure",
    "DomainError",
    "FeatureDisabledError",
    "NotFoundError",
    "PermissionDeniedError",
    "SchemaVersionError",
    "StorageError",
    "StoreBusyError",
    "TalentpoolError",
]


class TalentpoolError(Exception):
    """The root of every error the library raises on purpose."""


class DomainError(TalentpoolError, ValueError):
    """A domain object was given a value it cannot hold.

    Attributes:
        field: The name of the offending field, such as ``"submitted_at"``.
        value: The value that was refused.
    """

    def __init__(self, field: str, value: object, reason: str) -> None:
        self.field = field
        self.value = value
        self.reason = reason
        super().__init__(f"'{field}' {reason} (got {value!r}).")


class CriteriaError(TalentpoolError, ValueError):
    """A criteria, template, quick-filter or stored-event document is malformed.

    Every reader of stored documents raises it, and nothing else, whatever the
    input: those of :mod:`talentpool.serialization` and
    :func:`talentpool.audit.event_from_dict`.

    Attributes:
        path: Where the fault is, such as ``"criteria.all[2].radius.distance"``.
        reason: What is wrong there, such as ``"must be > 0"``.
    """

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class ConfigurationError(TalentpoolError, ValueError):
    """A saved configuration cannot be honoured as it stands."""


class NotFoundError(TalentpoolError, LookupError):
    """The repositories hold nothing under this id.

    Raised by a repository's ``get`` and by the services that look something up
    for the caller (a requisition, a candidate, a repooling rule, a user's
    subscription or micro-pool); nothing was changed::

        >>> error = NotFoundError("requisition", "barista")
        >>> str(error)
        "No requisition with id 'barista'."
        >>> error.kind, error.key
        ('requisition', 'barista')

    Args:
        kind: What was looked up, in words, singular and lower case, as the
            message shows it: ``"requisition"``, ``"candidate"``,
            ``"submission"``, ``"repooling rule"``, ``"micro-pool"``…
        key: What it was looked up by, as given: its id (a ``RequisitionId``,
            a ``CandidateId``…), or, for what has no id of its own, the pair that
            names it, such as ``"hana/Praha"`` for user ``hana``'s subscription
            to the tag Praha. Shown with ``repr`` in the message.

    Attributes:
        kind: The *kind* it was raised with, for hosts that render their own
            message ("We could not find that requisition").
        key: The *key* it was raised with, unchanged (not its ``repr``).
    """

    def __init__(self, kind: str, key: object) -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"No {kind} with id {key!r}.")


class PermissionDeniedError(TalentpoolError, PermissionError):
    """The acting user may not do this; nothing was changed."""


class FeatureDisabledError(TalentpoolError, PermissionError):
    """The feature is switched off for this account; a system administrator can enable it."""


class ActionValidationError(TalentpoolError, ValueError):
    """An action lacks required input; nothing was written.

    Attributes:
        missing: Every missing item, in a stable order.
    """

    def __init__(self, action: str, missing: Sequence[str]) -> None:
        self.action = action
        self.missing = tuple(missing)
        super().__init__(f"{action} needs: {', '.join(self.missing)}.")


class ConflictError(TalentpoolError, RuntimeError):
    """The write contradicts the current state and was not made."""


class DeliveryFailure(NamedTuple):
    """One notification that could not be sent on one channel (MP8).

    Attributes:
        notification_id: The notification; it is saved and listed in the bell.
        user_id: Who it was for.
        channel: The channel's value, such as ``"email"``.
        error: What the delivery port raised.
    """

    notification_id: str
    user_id: str
    channel: str
    error: Exception


class DeliveryError(TalentpoolError, RuntimeError):
    """The change was saved, but some notifications could not be delivered (MP7, MP8).

    Raised after every notification was offered on every channel, so one failing
    sender does not starve the other recipients or channels. The change that
    raised the notifications was already committed, and so were the
    notifications themselves (they are in the users' bells); hosts may log the
    failures or retry them. The first failure is the ``__cause__``.

    Attributes:
        failures: Every failed delivery, in the order they were attempted.
    """

    def __init__(self, failures: Sequence[DeliveryFailure]) -> None:
        self.failures = tuple(failures)
        listed = "; ".join(
            f"{f.user_id} by {f.channel} ({type(f.error).__name__}: {f.error})"
            for f in self.failures
        )
        n = len(self.failures)
        noun = "delivery" if n == 1 else "deliveries"
        super().__init__(f"the change was saved, but {n} notification {noun} failed: {listed}.")


class StorageError(TalentpoolError, RuntimeError):
    """The store could not do what was asked; the message says what to do.

    A database error never reaches a host raw: the SQL store turns each into this
    (or into :class:`ConflictError` when a write contradicts what is stored), with
    the database's own error kept as ``__cause__``. The unit of work that met it
    was rolled back, so nothing is half-written.
    """


class StoreBusyError(StorageError):
    """Another process kept the database busy for longer than the store waits.

    Attributes:
        waited: How long the store waited, in seconds.
    """

    def __init__(self, waited: float, what: str) -> None:
        self.waited = waited
        super().__init__(
            f"the database stayed locked for {waited:g} s while trying to {what}; another "
            "process holds a long write transaction. Retry the action, or open the store "
            "with a longer busy_timeout."
        )


class SchemaVersionError(StorageError):
    """The database's tables are of a schema version this talentpool cannot use.

    Attributes:
        found: The version the database holds.
        supported: The newest version this talentpool knows.
    """

    def __init__(self, found: int, supported: int) -> None:
        self.found = found
        self.supported = supported
        super().__init__(
            f"the database holds talentpool tables of schema version {found}, newer than "
            f"{supported}, the newest this version knows; nothing was written. Upgrade "
            "talentpool to open it."
        )
