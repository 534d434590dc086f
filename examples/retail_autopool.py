"""Automatic candidate pooling for one store of a retail chain, end to end.

A host application does the same with its own unit of work instead of the
in-memory reference: switch the feature on, put criteria on a template, open a
requisition from it, then ask for the pool, the funnel and explanations.

Run it with ``python examples/retail_autopool.py``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from talentpool import (
    AutopoolCriteria,
    Autopooling,
    Candidate,
    CandidateId,
    FixedClock,
    GeoPoint,
    MemoryUnitOfWork,
    Permission,
    Requisition,
    RequisitionId,
    RequisitionTemplate,
    ResidenceWithin,
    Role,
    Submission,
    SubmissionId,
    SubmissionStatus,
    TemplateId,
    User,
    UserId,
)

BRNO = GeoPoint(49.1951, 16.6068)
OLOMOUC = GeoPoint(49.5938, 17.2509)


def main() -> None:
    """Build a small account, then print a store's pool, its funnel and one explanation."""
    clock = FixedClock(datetime(2026, 11, 2, 8, 0, tzinfo=UTC))
    now = clock.now()
    uow = MemoryUnitOfWork()  # your adapter goes here
    pool = Autopooling(uow, clock)

    # People: a system administrator and a recruiter who may define criteria and see
    # candidates' other applications (explanations name other requisitions only for such
    # a viewer, AP11).
    admin, recruiter = UserId("alena"), UserId("roman")
    uow.users.save(User(admin, "Alena Adamová", Role.ADMINISTRATOR))
    rights = {Permission.DEFINE_AUTOPOOL_CRITERIA, Permission.VIEW_OTHER_APPLICATIONS}
    uow.users.save(User(recruiter, "Roman Řehoř", Role.RECRUITER, rights))
    pool.set_enabled(admin, True)  # AP1: off until an administrator enables it

    # A template with criteria; requisitions opened from it inherit them (AP3).
    template = TemplateId("store-assistant")
    uow.templates.save(RequisitionTemplate(template, "Store assistant", language="cs"))
    criteria = AutopoolCriteria(
        exclude_in_selection_process=True,
        profile_language_must_match=True,
        radius=ResidenceWithin(30),
    )
    pool.set_template_criteria(recruiter, template, criteria)
    job = pool.open_requisition(
        template,
        requisition_id=RequisitionId("brno-vankovka"),
        title="Store assistant, Brno Vaňkovka",
        primary_location=BRNO,
    )

    # Candidates who applied to another position of the chain.
    olomouc = Requisition(
        RequisitionId("olomouc"), "Cashier, Olomouc", now - timedelta(days=90), language="cs"
    )
    uow.requisitions.save(olomouc)
    people = [
        # id, given, family, home, profile language, status, days since the status changed
        ("eva", "Eva", "Nováková", GeoPoint(49.21, 16.59), "cs", SubmissionStatus.WITHDRAWN, 40),
        ("petr", "Petr", "Dvořák", GeoPoint(49.23, 16.58), "cs", SubmissionStatus.IN_PROCESS, 5),
        ("hana", "Hana", "Horáková", GeoPoint(49.18, 16.62), "cs", SubmissionStatus.HIRED, 12),
        ("jan", "Jan", "Procházka", OLOMOUC, "cs", SubmissionStatus.INACTIVE, 20),
        ("klaus", "Klaus", "Becker", GeoPoint(49.20, 16.61), "de", SubmissionStatus.REJECTED, 200),
        ("zuzana", "Zuzana", "Kováčová", GeoPoint(49.20, 16.63), "cs", SubmissionStatus.NEW, 50),
    ]
    for i, (cid, given, family, home, language, status, days) in enumerate(people):
        candidate = Candidate(
            CandidateId(cid),
            given,
            family,
            now - timedelta(days=400),
            residence=home,
            profile_language=language,
        )
        uow.candidates.save(candidate)
        uow.submissions.save(
            Submission(
                SubmissionId(f"s{i}"),
                candidate.id,
                olomouc.id,
                now - timedelta(days=days + 10),
                status,
                status_changed_at=now - timedelta(days=days),
                # Zuzana's only submission has expired: excluded by default (AP4).
                expires_at=now - timedelta(days=1) if cid == "zuzana" else None,
            )
        )

    # The pool, generated on demand (at most 300 rows, with the exact total).
    results = pool.results(job.id, viewer_id=recruiter)
    print(f"Pool of {job.title!r}: {results.total} candidate(s), truncated: {results.truncated}")
    for row in results.rows:
        print(f"  {row.name:<16} {row.distance_km:5.1f} km")

    # The funnel: how many candidates each criterion removes.
    print()
    print(pool.funnel(job.id, viewer_id=recruiter))

    # Why is someone not in the pool?
    for cid in ("petr", "hana", "jan", "klaus", "zuzana"):
        why = pool.explain(job.id, CandidateId(cid), viewer_id=recruiter)
        print(f"{cid}: {why.failed[0].label} -> {why.failed[0].reason}")


if __name__ == "__main__":
    main()
