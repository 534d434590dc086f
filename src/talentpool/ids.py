"""Typed identifiers for the entities; plain strings at run time."""

from __future__ import annotations

from typing import NewType

__all__ = [
    "AttachmentId",
    "CandidateId",
    "NodeId",
    "NotificationId",
    "QuickFilterId",
    "RepoolingRuleId",
    "RequisitionId",
    "SubmissionId",
    "TemplateId",
    "UserId",
]

CandidateId = NewType("CandidateId", str)
UserId = NewType("UserId", str)
RequisitionId = NewType("RequisitionId", str)
TemplateId = NewType("TemplateId", str)
SubmissionId = NewType("SubmissionId", str)
AttachmentId = NewType("AttachmentId", str)
NotificationId = NewType("NotificationId", str)
QuickFilterId = NewType("QuickFilterId", str)
RepoolingRuleId = NewType("RepoolingRuleId", str)
NodeId = NewType("NodeId", str)
