"""Micro-pools as folders and as filters (MP5, MP6)."""

from __future__ import annotations

import pytest

from micropools_support import Account, ids
from talentpool.criteria import (
    ExcludeHiredWithin,
    ExcludeInSelectionProcess,
    HasTag,
    Keywords,
    ProfileLanguageMatchesRequisition,
    ResidenceWithin,
    SpeaksLanguage,
)
from talentpool.errors import ConfigurationError, CriteriaError, DomainError, NotFoundError
from talentpool.ids import UserId
from talentpool.model import Role, SubmissionStatus
from talentpool.visibility import OwnerCandidateRow, TagShareCandidateRow

HM = UserId("hm")


@pytest.fixture
def acc() -> Account:
    """Five candidates; the hiring manager tracks Praha and Python and owns one position."""
    acc = Account()
    w = acc.world
    w.user("hm", "Hana Manager")
    w.user("rec", "Rita Recruiter", Role.RECRUITER)
    w.requisition("r-hm", "Developer", owner="hm")
    w.requisition("r-rec", "Tester", owner="rec")
    w.candidate("c1", "Eva", tags=["Praha"], languages=["de"], text="java", created_days_ago=5)
    w.candidate("c2", "Jan", tags=["Praha", "Python"], text="python django", created_days_ago=4)
    w.candidate("c3", "Ota", tags=["Python"], languages=["de"], text="python", created_days_ago=3)
    w.candidate("c4", "Ivo", tags=["Brno"], text="python", created_days_ago=2)
    w.candidate("c5", "Ema", tags=["Brno"], text="java", created_days_ago=1)
    w.apply("c5", "r-hm")  # owned through the hiring manager's own position
    w.apply("c3", "r-rec", status=SubmissionStatus.HIRED, status_changed_days_ago=3)
    acc.pools.subscribe(acc.admin.id, HM, "praha")
    acc.pools.subscribe(acc.admin.id, HM, "Python")
    return acc


def test_folders_are_the_tracked_tags_with_their_counts_mp5(acc: Account) -> None:
    """MP5: each tracked tag is a folder named as tracked, with its candidate count."""
    folders = acc.pools.folders(HM)
    assert [(f.label, f.count) for f in folders] == [("praha", 2), ("Python", 2)]
    assert acc.pools.folder(HM, "PYTHON").count == 2
    assert acc.pools.folders(UserId("rec")) == ()


def test_folder_counts_follow_tags_at_once_mp5(acc: Account) -> None:
    """MP5, MP4: tagging and untagging change the counts immediately."""
    acc.pools.tag(None, "c5", "Python")
    acc.pools.untag(None, "c1", "Praha")
    assert [(f.label, f.count) for f in acc.pools.folders(HM)] == [("praha", 1), ("Python", 3)]


def test_folder_of_an_untracked_tag_is_not_found_mp5(acc: Account) -> None:
    """MP5: a micro-pool exists only while the tag is tracked."""
    with pytest.raises(NotFoundError, match="micro-pool"):
        acc.pools.folder(HM, "Brno")
    with pytest.raises(NotFoundError, match="micro-pool"):
        acc.vis.candidates(HM, micro_pool="Brno")


def test_the_database_lists_owned_and_micro_pool_candidates_newest_first_mp5(
    acc: Account,
) -> None:
    """MP5: the user's database is owned candidates plus their micro-pools, newest first."""
    page = acc.vis.candidates(HM)
    assert page.candidate_ids == ("c5", "c3", "c2", "c1")
    assert page.total == 4
    kinds = {r.candidate.id: type(r) for r in page.rows}
    assert kinds["c5"] is OwnerCandidateRow
    assert kinds["c1"] is TagShareCandidateRow


def test_opening_a_micro_pool_filters_to_its_tag_mp6(acc: Account) -> None:
    """MP6: opening a micro-pool keeps the candidates with that tag."""
    assert acc.vis.candidates(HM, micro_pool="Python").candidate_ids == ("c3", "c2")
    assert acc.vis.count(HM, micro_pool="Python") == 2


def test_a_micro_pool_combines_with_full_text_mp6(acc: Account) -> None:
    """MP6: micro-pool AND full-text keywords."""
    page = acc.vis.candidates(HM, Keywords("django"), micro_pool="Python")
    assert page.candidate_ids == ("c2",)


def test_a_micro_pool_combines_with_any_other_criterion_mp6(acc: Account) -> None:
    """MP6: the folder's criterion ANDs with other filters, in the whole database too."""
    python = acc.pools.folder(HM, "Python")
    assert acc.vis.candidates(HM, python.criterion & SpeaksLanguage("de")).candidate_ids == ("c3",)
    assert acc.vis.candidates(HM, python.criterion & ~Keywords("django")).candidate_ids == ("c3",)
    assert acc.vis.candidates(HM, python.criterion | HasTag("Brno")).candidate_ids == (
        "c5",
        "c3",
        "c2",
    )
    assert acc.vis.count(HM, Keywords("java")) == 2


def test_filters_never_reach_outside_what_the_user_may_see_mp6(acc: Account) -> None:
    """MP6: a tag filter for a tag the user does not track lists only what they may see."""
    assert acc.vis.candidates(HM, HasTag("Brno")).candidate_ids == ("c5",)
    assert acc.vis.candidates(HM, Keywords("python")).candidate_ids == ("c3", "c2")


def test_submission_filters_read_no_response_data_of_tag_share_candidates_mp3_mp6(
    acc: Account,
) -> None:
    """MP3, MP6: for a tag share the candidate is filtered as if they had applied nowhere.

    c3 was hired on a position the hiring manager cannot see; "not hired in the
    last 30 days" must not be able to tell them so.
    """
    not_hired = acc.vis.candidates(HM, ExcludeHiredWithin(30), micro_pool="Python")
    assert not_hired.candidate_ids == ("c3", "c2")
    # the recruiter owns c3 and the filter sees the hire
    acc.pools.subscribe(acc.admin.id, UserId("rec"), "Python")
    assert acc.vis.candidates(UserId("rec"), ExcludeHiredWithin(30)).candidate_ids == ("c2",)
    # the owner of c5 sees c5's open response
    assert "c5" not in ids(acc.vis.candidates(HM, ExcludeInSelectionProcess()).rows)


@pytest.mark.parametrize("criterion", [ResidenceWithin(10), ProfileLanguageMatchesRequisition()])
def test_criteria_measured_against_a_position_are_refused_in_the_database_mp6(
    acc: Account, criterion: ResidenceWithin | ProfileLanguageMatchesRequisition
) -> None:
    """MP6: the database has no position; such criteria are a configuration error."""
    with pytest.raises(ConfigurationError, match="candidate database has none"):
        acc.vis.candidates(HM, criterion)


def test_pages_and_totals_mp5(acc: Account) -> None:
    """MP5: limit and offset page the rows; the total counts every match."""
    page = acc.vis.candidates(HM, limit=2, offset=1)
    assert page.candidate_ids == ("c3", "c2")
    assert page.total == 4
    assert acc.vis.candidates(HM, limit=0).rows == ()
    with pytest.raises(DomainError, match="limit"):
        acc.vis.candidates(HM, limit=-1)
    with pytest.raises(DomainError, match="offset"):
        acc.vis.candidates(HM, offset=-1)


def test_whole_database_users_list_everyone_as_owners_mp5(acc: Account) -> None:
    """MP5, MP2: an administrator's database is every candidate, each as an owner."""
    page = acc.vis.candidates(acc.admin.id)
    assert page.total == 5
    assert all(isinstance(r, OwnerCandidateRow) for r in page.rows)


def test_a_non_criterion_is_a_criteria_error_mp6(acc: Account) -> None:
    """MP6: filters must be criteria; anything else is the library's CriteriaError.

    It used to escape as a bare ``TypeError``, which is not a ``TalentpoolError``.
    """
    for bad in ("python", None):
        with pytest.raises(CriteriaError, match="Criterion"):
            acc.vis.candidates(HM, bad)  # type: ignore[arg-type]
        with pytest.raises(CriteriaError, match="Criterion"):
            acc.vis.count(HM, bad)  # type: ignore[arg-type]
