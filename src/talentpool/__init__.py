"""talentpool: micro-pools and automatic candidate pooling for applicant-tracking systems.

The public names are re-exported here; the modules behind them are:

* :mod:`talentpool.model` — the domain entities (DM1–DM5);
* :mod:`talentpool.criteria` — criteria as data (EN1) and the saved autopool set (AP4);
* :mod:`talentpool.engine` — bind, evaluate and explain criteria (AP5, AP6, EN3, EN4);
* :mod:`talentpool.serialization` — criteria documents (EN2);
* :mod:`talentpool.results` — result rows, ordering and the cap (AP7);
* :mod:`talentpool.autopool` — the automatic candidate pooling service;
* :mod:`talentpool.actions` — match, and match and reject, from the pool (AP9, AP10);
* :mod:`talentpool.repooling` — repooling rules and the batch job (AP12);
* :mod:`talentpool.events` — every domain event, the audit trail of each write (MP9);
* :mod:`talentpool.audit` — events as JSON-ready dicts and back (:func:`event_from_dict`);
* :mod:`talentpool.visibility` — access decisions and what each level shows (MP2–MP6);
* :mod:`talentpool.micropools` — tag tracking, folders, notifications, audited grants
  (MP1, MP5, MP7–MP9, EN5);
* :mod:`talentpool.notifications` — notifications and their channels (MP7, MP8);
* :mod:`talentpool.ports` — the protocols hosts implement (ST1);
* :mod:`talentpool.adapters.memory` — the in-memory reference (ST2);
* :mod:`talentpool.adapters.outbox` — the in-memory notification outbox;
* :mod:`talentpool.errors` — the error tree.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from talentpool.actions import AutopoolActions, validate_rejection
from talentpool.audit import event_from_dict, event_to_dict
from talentpool.autopool import (
    ApplicationSummary,
    Autopooling,
    CandidateFile,
    DryRun,
    Explanation,
    Funnel,
    FunnelStage,
    PoolResults,
    TemplateOverrides,
    requisition_from_template,
)
from talentpool.clock import Clock, FixedClock, SystemClock
from talentpool.criteria import (
    EVERYONE,
    AllOf,
    AnyOf,
    AutopoolCriteria,
    ConsentValid,
    Criterion,
    ExcludeExpiredSubmissions,
    ExcludeHiredWithin,
    ExcludeInSelectionProcess,
    ExcludeRejectedWithin,
    FieldEquals,
    HasTag,
    Keywords,
    Not,
    ProfileLanguageMatchesRequisition,
    QuickFilter,
    ResidenceWithin,
    SpeaksLanguage,
    SubmissionsInStructure,
    all_of,
    any_of,
    not_,
)
from talentpool.engine import Verdict
from talentpool.erasure import Erasure, ErasureReport
from talentpool.errors import (
    ActionValidationError,
    ConfigurationError,
    ConflictError,
    CriteriaError,
    DeliveryError,
    DeliveryFailure,
    DomainError,
    FeatureDisabledError,
    NotFoundError,
    PermissionDeniedError,
    TalentpoolError,
)
from talentpool.events import (
    AccountSettingChanged,
    AutopoolCriteriaSaved,
    CandidateErased,
    CandidateFileViewed,
    CandidateMatched,
    CandidateMatchedAndRejected,
    DomainEvent,
    EventLog,
    QuickFilterRemoved,
    QuickFilterSaved,
    RepoolingRuleRemoved,
    RepoolingRuleSaved,
    RequisitionOpened,
    SubmissionInactivated,
    SubscriptionAdded,
    SubscriptionRemoved,
    TagShareCause,
    TagShareGranted,
    TagShareRevoked,
)
from talentpool.geo import DistanceUnit, GeoPoint, Radius, distance_km
from talentpool.ids import (
    AttachmentId,
    CandidateId,
    NodeId,
    NotificationId,
    QuickFilterId,
    RepoolingRuleId,
    RequisitionId,
    SubmissionId,
    TemplateId,
    UserId,
)
from talentpool.micropools import (
    DigestJob,
    DigestRun,
    MicroPoolFolder,
    MicroPools,
    SubscriptionDryRun,
)
from talentpool.model import (
    AccessLevel,
    AccountSettings,
    Application,
    Attachment,
    Candidate,
    CandidateRecord,
    Consent,
    Dimension,
    Permission,
    Rejection,
    RepoolingRule,
    Requisition,
    RequisitionTemplate,
    Role,
    Share,
    ShareKind,
    StructureTree,
    Submission,
    SubmissionStatus,
    Subscription,
    Tag,
    User,
    Workflow,
)
from talentpool.notifications import (
    DEFAULT_CHANNELS,
    DeliveryMode,
    Digest,
    DigestDelivery,
    DigestEntry,
    Notification,
    NotificationChannel,
    NotificationDelivery,
    NotificationSettings,
    NotificationType,
    channels_for,
)
from talentpool.ports import AutopoolStore, MicroPoolStore, UnitOfWork
from talentpool.queries import (
    CandidateDatabaseQuery,
    CandidatePage,
    CandidateQuery,
    ListingOrder,
    ListingPage,
    ListingSortKey,
    ResponsesPage,
    ResponsesQuery,
    Viewer,
)
from talentpool.repooling import Repooling, RepoolingChange, RepoolingReport
from talentpool.results import MAX_RESULTS, Ordering, PoolRow, SortKey
from talentpool.serialization import (
    autopool_from_dict,
    autopool_to_dict,
    criteria_from_dict,
    criteria_to_dict,
    quick_filter_from_dict,
    quick_filter_to_dict,
    template_from_dict,
    template_to_dict,
)
from talentpool.visibility import (
    AccessDecision,
    CandidateCard,
    CandidateOnPosition,
    CandidateRow,
    CandidatesPage,
    OwnerCandidateCard,
    OwnerCandidateRow,
    PositionOperation,
    PositionOverview,
    Response,
    SharedAttachment,
    TagShareCandidateCard,
    TagShareCandidateRow,
    Visibility,
    check_position_operation,
    decide_access,
)

if TYPE_CHECKING:
    from talentpool.adapters.memory import MemoryIds, MemoryUnitOfWork
    from talentpool.adapters.outbox import Delivery, MemoryOutbox

# The reference adapters are re-exported for convenience, but loaded only when a
# host asks for one: ``import talentpool`` loads no adapter (ST1).
_ADAPTERS = {
    "Delivery": "talentpool.adapters.outbox",
    "MemoryIds": "talentpool.adapters.memory",
    "MemoryOutbox": "talentpool.adapters.outbox",
    "MemoryUnitOfWork": "talentpool.adapters.memory",
}


def __getattr__(name: str) -> Any:
    if name in _ADAPTERS:
        return getattr(importlib.import_module(_ADAPTERS[name]), name)
    msg = f"module 'talentpool' has no attribute {name!r}"
    raise AttributeError(msg)


__all__ = [
    "DEFAULT_CHANNELS",
    "EVERYONE",
    "MAX_RESULTS",
    "AccessDecision",
    "AccessLevel",
    "AccountSettingChanged",
    "AccountSettings",
    "ActionValidationError",
    "AllOf",
    "AnyOf",
    "Application",
    "ApplicationSummary",
    "Attachment",
    "AttachmentId",
    "AutopoolActions",
    "AutopoolCriteria",
    "AutopoolCriteriaSaved",
    "AutopoolStore",
    "Autopooling",
    "Candidate",
    "CandidateCard",
    "CandidateDatabaseQuery",
    "CandidateErased",
    "CandidateFile",
    "CandidateFileViewed",
    "CandidateId",
    "CandidateMatched",
    "CandidateMatchedAndRejected",
    "CandidateOnPosition",
    "CandidatePage",
    "CandidateQuery",
    "CandidateRecord",
    "CandidateRow",
    "CandidatesPage",
    "Clock",
    "ConfigurationError",
    "ConflictError",
    "Consent",
    "ConsentValid",
    "CriteriaError",
    "Criterion",
    "Delivery",
    "DeliveryError",
    "DeliveryFailure",
    "DeliveryMode",
    "Digest",
    "DigestDelivery",
    "DigestEntry",
    "DigestJob",
    "DigestRun",
    "Dimension",
    "DistanceUnit",
    "DomainError",
    "DomainEvent",
    "DryRun",
    "Erasure",
    "ErasureReport",
    "EventLog",
    "ExcludeExpiredSubmissions",
    "ExcludeHiredWithin",
    "ExcludeInSelectionProcess",
    "ExcludeRejectedWithin",
    "Explanation",
    "FeatureDisabledError",
    "FieldEquals",
    "FixedClock",
    "Funnel",
    "FunnelStage",
    "GeoPoint",
    "HasTag",
    "Keywords",
    "ListingOrder",
    "ListingPage",
    "ListingSortKey",
    "MemoryIds",
    "MemoryOutbox",
    "MemoryUnitOfWork",
    "MicroPoolFolder",
    "MicroPoolStore",
    "MicroPools",
    "NodeId",
    "Not",
    "NotFoundError",
    "Notification",
    "NotificationChannel",
    "NotificationDelivery",
    "NotificationId",
    "NotificationSettings",
    "NotificationType",
    "Ordering",
    "OwnerCandidateCard",
    "OwnerCandidateRow",
    "Permission",
    "PermissionDeniedError",
    "PoolResults",
    "PoolRow",
    "PositionOperation",
    "PositionOverview",
    "ProfileLanguageMatchesRequisition",
    "QuickFilter",
    "QuickFilterId",
    "QuickFilterRemoved",
    "QuickFilterSaved",
    "Radius",
    "Rejection",
    "Repooling",
    "RepoolingChange",
    "RepoolingReport",
    "RepoolingRule",
    "RepoolingRuleId",
    "RepoolingRuleRemoved",
    "RepoolingRuleSaved",
    "Requisition",
    "RequisitionId",
    "RequisitionOpened",
    "RequisitionTemplate",
    "ResidenceWithin",
    "Response",
    "ResponsesPage",
    "ResponsesQuery",
    "Role",
    "Share",
    "ShareKind",
    "SharedAttachment",
    "SortKey",
    "SpeaksLanguage",
    "StructureTree",
    "Submission",
    "SubmissionId",
    "SubmissionInactivated",
    "SubmissionStatus",
    "SubmissionsInStructure",
    "Subscription",
    "SubscriptionAdded",
    "SubscriptionDryRun",
    "SubscriptionRemoved",
    "SystemClock",
    "Tag",
    "TagShareCandidateCard",
    "TagShareCandidateRow",
    "TagShareCause",
    "TagShareGranted",
    "TagShareRevoked",
    "TalentpoolError",
    "TemplateId",
    "TemplateOverrides",
    "UnitOfWork",
    "User",
    "UserId",
    "Verdict",
    "Viewer",
    "Visibility",
    "Workflow",
    "all_of",
    "any_of",
    "autopool_from_dict",
    "autopool_to_dict",
    "channels_for",
    "check_position_operation",
    "criteria_from_dict",
    "criteria_to_dict",
    "decide_access",
    "distance_km",
    "event_from_dict",
    "event_to_dict",
    "not_",
    "quick_filter_from_dict",
    "quick_filter_to_dict",
    "requisition_from_template",
    "template_from_dict",
    "template_to_dict",
    "validate_rejection",
]
