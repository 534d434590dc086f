"""The checks every service makes before it acts: feature switches and who may act.

One place for each rule, so the autopool, action, repooling and micro-pool
services refuse the same way: :class:`~talentpool.errors.FeatureDisabledError`
while a feature is off (AP1), :class:`~talentpool.errors.PermissionDeniedError`
for a user without the right (AP2, MP1), both before anything is written.
Switching an account setting is audited here too.
"""

from __future__ import annotations

from typing import Protocol

import attrs

from talentpool.clock import Clock, checked
from talentpool.errors import DomainError, FeatureDisabledError, PermissionDeniedError
from talentpool.events import AccountSettingChanged, EventLog
from talentpool.ids import UserId
from talentpool.model import AccountSettings, Permission, User
from talentpool.ports import SettingsRepository, Transaction, UserRepository

__all__ = [
    "require_administrator",
    "require_autopool_enabled",
    "require_permission",
    "switch_setting",
]


def require_autopool_enabled(
    settings: SettingsRepository, feature: str = "automatic candidate pooling"
) -> None:
    """Raise ``FeatureDisabledError`` unless the account has autopooling on (AP1)."""
    if not settings.get().autopool_enabled:
        msg = f"{feature} is disabled for this account; a system administrator can enable it"
        raise FeatureDisabledError(msg)


def require_administrator(users: UserRepository, user_id: UserId, action: str) -> User:
    """Return the user if they are a system administrator; raise ``PermissionDeniedError``."""
    user = users.get(user_id)
    if not user.is_administrator:
        msg = f"only system administrators may {action}; {user_id!r} is not one"
        raise PermissionDeniedError(msg)
    return user


def require_permission(
    users: UserRepository, user_id: UserId, permission: Permission, action: str
) -> User:
    """Return the user if they hold *permission*; raise ``PermissionDeniedError``."""
    user = users.get(user_id)
    if not user.has(permission):
        msg = f"user {user_id!r} may not {action}: it needs the permission {permission.value!r}"
        raise PermissionDeniedError(msg)
    return user


class SettingsStore(Transaction, Protocol):
    """**Protocol:** what switching a setting needs: users, settings, the audit trail."""

    @property
    def users(self) -> UserRepository:
        """The users."""
        ...

    @property
    def settings(self) -> SettingsRepository:
        """The account settings."""
        ...

    @property
    def events(self) -> EventLog:
        """The audit trail."""
        ...


def switch_setting(
    uow: SettingsStore, clock: Clock, admin_id: UserId, *, setting: str, enabled: bool, label: str
) -> AccountSettings:
    """Switch one boolean account setting as an administrator, with its audit event.

    Args:
        uow: The unit of work to write in.
        clock: When it happened.
        admin_id: Who switches it; must be a system administrator.
        setting: The :class:`~talentpool.model.AccountSettings` field.
        enabled: Its new value.
        label: The setting in words, such as ``"match and reject"``.

    Raises ``DomainError`` naming *setting* when *enabled* is not a bool (the
    string ``"false"`` would otherwise switch the feature on); nothing is written.
    """
    if not isinstance(enabled, bool):
        raise DomainError(setting, enabled, "must be True or False")
    with uow:
        require_administrator(uow.users, admin_id, f"switch {label}")
        settings = attrs.evolve(uow.settings.get(), **{setting: enabled})
        uow.settings.save(settings)
        uow.events.append(
            AccountSettingChanged(
                occurred_at=checked(clock).now(),
                actor_id=admin_id,
                reason=f"{label} {'enabled' if enabled else 'disabled'}",
                setting=setting,
                enabled=enabled,
            )
        )
        uow.commit()
    return settings
