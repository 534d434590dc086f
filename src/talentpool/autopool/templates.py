"""Requisitions opened from a template inherit its criteria (AP3)."""

from __future__ import annotations

from datetime import datetime

from talentpool.errors import (
    DomainError,
)
from talentpool.ids import RequisitionId
from talentpool.model import (
    Requisition,
    RequisitionTemplate,
)

__all__ = [
    "requisition_from_template",
]


def requisition_from_template(
    template: RequisitionTemplate,
    *,
    requisition_id: RequisitionId,
    title: str,
    created_at: datetime,
    **fields: object,
) -> Requisition:
    """Return a new requisition that inherits *template*'s defaults and criteria (AP3).

    The criteria are copied: later edits of the template do not reach the
    requisition, and the requisition may change its own copy. *fields* set any
    other :class:`~talentpool.model.Requisition` field, or override the
    template's language, structure nodes and workflow.
    """
    base: dict[str, object] = {
        "language": template.language,
        "organization": template.organization,
        "location": template.location,
        "job_field": template.job_field,
        "workflow": template.workflow,
        "autopool": template.autopool,
    }
    base.update(fields)
    try:
        return Requisition(
            id=requisition_id,
            title=title,
            created_at=created_at,
            template_id=template.id,
            **base,  # type: ignore[arg-type]
        )
    except TypeError as e:
        raise DomainError(
            "fields", sorted(fields), f"are not all requisition fields: {e}"
        ) from None
