"""Automatic candidate pooling (AP1–AP8, AP11, AP13–AP15, EN3, EN5): the service.

:class:`Autopooling` is what a host calls. It checks the feature switch (AP1)
and permissions (AP2), copies template criteria into new requisitions (AP3),
and answers pool questions through the repository port: the results with the
300 cap and the exact total (AP7, AP15), quick filters (AP8), explanations and
the funnel (EN3), the dry run of a criteria change (EN5), the candidate file
(AP11) and how a requisition's criteria differ from its template's (AP13).
:class:`PoolAlerts` lets a user watch a pool and hear of each new member (AP16).
"""

from __future__ import annotations

from talentpool.autopool.alerts import AlertSweep, PoolAlerts
from talentpool.autopool.reports import (
    ApplicationSummary,
    CandidateFile,
    DryRun,
    Explanation,
    Funnel,
    FunnelStage,
    PoolResults,
    TemplateOverrides,
)
from talentpool.autopool.service import (
    Autopooling,
)
from talentpool.autopool.templates import (
    requisition_from_template,
)

__all__ = [
    "AlertSweep",
    "ApplicationSummary",
    "Autopooling",
    "CandidateFile",
    "DryRun",
    "Explanation",
    "Funnel",
    "FunnelStage",
    "PoolAlerts",
    "PoolResults",
    "TemplateOverrides",
    "requisition_from_template",
]
