"""The demo's dataset generator: deterministic, sized as asked, and free of any store (US1, PF)."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import attrs
import pytest

from talentpool.adapters.memory import MemoryUnitOfWork
from talentpool.demo import dataset
from talentpool.demo.dataset import (
    BRNO_TAG,
    CZECHIA,
    LANGUAGES,
    PRAHA_TAG,
    DatasetSpec,
    generate,
    generate_applicants,
    geonames_country,
    performance_spec,
)
from talentpool.demo.story import save_dataset
from talentpool.errors import ConfigurationError, DomainError
from talentpool.model import Dimension

# The layers the generator may build on: values, criteria and the model, nothing that stores.
DOMAIN = {
    "talentpool.clock",
    "talentpool.criteria",
    "talentpool.errors",
    "talentpool.geo",
    "talentpool.ids",
    "talentpool.model",
    "talentpool.text",
    "talentpool.validators",
}


def test_same_seed_gives_equal_entities_and_another_seed_other_people() -> None:
    """US1: the same spec gives equal entities; another seed gives other candidates."""
    spec = DatasetSpec(seed=11, size=120)
    first, again = generate(spec), generate(spec)
    other = generate(attrs.evolve(spec, seed=12))

    assert first == again
    assert first.candidates == again.candidates
    assert first.submissions == again.submissions
    assert first.candidates != other.candidates
    assert {c.name for c in first.candidates} != {c.name for c in other.candidates}
    # The account around the candidates does not depend on the seed.
    assert (first.users, first.requisitions, first.structures) == (
        other.users,
        other.requisitions,
        other.structures,
    )


@pytest.mark.parametrize("size", [0, 1, 257])
def test_generates_the_requested_size_without_a_store(size: int) -> None:
    """PF: exactly *size* candidates, each submission on a known requisition with its CV."""
    data = generate(DatasetSpec(seed=3, size=size))

    assert len(data.candidates) == size
    assert len({c.id for c in data.candidates}) == size
    requisitions = {r.id for r in data.requisitions}
    candidates = {c.id for c in data.candidates}
    for applicant in data.applicants:
        assert 1 <= len(applicant.submissions) <= 3
        assert [a.id for a in applicant.attachments] == [
            f"cv-{s.id}" for s in applicant.submissions
        ]
    assert {s.candidate_id for s in data.submissions} == candidates
    assert {s.requisition_id for s in data.submissions} <= requisitions
    pairs = [(s.candidate_id, s.requisition_id) for s in data.submissions]
    assert len(pairs) == len(set(pairs))
    assert len({s.id for s in data.submissions}) == len(data.submissions)


def test_the_stream_yields_the_datasets_applicants_lazily() -> None:
    """PF: a benchmark can stream candidates; the stream is the dataset's, one by one."""
    spec = DatasetSpec(seed=5, size=80)
    assert tuple(generate_applicants(spec)) == generate(spec).applicants

    huge = generate_applicants(DatasetSpec(seed=5, size=10_000_000))
    assert next(huge) == generate(spec).applicants[0]


def test_every_fourth_brno_or_praha_resident_carries_their_city_as_a_tag() -> None:
    """US1: the collection form's location tags are in the generated data."""
    data = generate(DatasetSpec(size=200))
    for index, candidate in enumerate(data.candidates):
        tagged = candidate.city in (BRNO_TAG, PRAHA_TAG) and index % 4 == 0
        assert {t.label for t in candidate.tags} == ({candidate.city} if tagged else set())


def test_residences_cluster_around_towns_or_spread_over_the_country() -> None:
    """PF: residences near the country's towns, anywhere in it, or a mix of both."""
    towns = {t.name: t for t in CZECHIA.towns}
    clustered = generate(DatasetSpec(size=300)).candidates
    for c in clustered:
        if c.residence is None:
            assert c.city is None
            continue
        assert c.city is not None
        town = towns[c.city]
        assert abs(c.residence.latitude - town.centre.latitude) <= town.spread + 1e-9
        assert abs(c.residence.longitude - town.centre.longitude) <= town.spread * 1.5 + 1e-9

    spread = generate(DatasetSpec(size=300, clustered=0.0)).candidates
    homes = [c.residence for c in spread if c.residence is not None]
    assert {c.city for c in spread} == {None}
    assert all(CZECHIA.contains(home) for home in homes)
    assert max(h.longitude for h in homes) - min(h.longitude for h in homes) > 5

    mixed = generate(DatasetSpec(size=300, clustered=0.7)).candidates
    in_town = sum(c.city is not None for c in mixed if c.residence is not None)
    assert 0 < in_town < sum(c.residence is not None for c in mixed)


def test_the_story_saves_exactly_the_generated_entities() -> None:
    """US1: what the demo loads into a store is the generator's data, unchanged."""
    data = generate(DatasetSpec(seed=9, size=60))
    uow = MemoryUnitOfWork()
    save_dataset(uow, data)

    assert list(uow.candidates) == list(data.candidates)
    assert sorted(uow.submissions, key=lambda s: s.id) == sorted(
        data.submissions, key=lambda s: s.id
    )
    assert {u.id: u for u in uow.users} == {u.id: u for u in data.users}
    assert uow.settings.get() == data.settings


@pytest.mark.parametrize(
    ("field", "value"),
    [("size", -1), ("size", 1.5), ("seed", True), ("clustered", 1.2), ("country", "Czechia")],
)
def test_a_bad_spec_is_refused_naming_the_field(field: str, value: object) -> None:
    """PF: a spec that cannot be generated says which field is wrong."""
    with pytest.raises(DomainError) as refused:
        DatasetSpec(**{field: value})  # type: ignore[arg-type]
    assert refused.value.field == field


def test_the_generator_imports_only_the_domain() -> None:
    """ST1: no service, adapter or unit of work behind the generator, so benchmarks reuse it."""
    tree = ast.parse(Path(dataset.__file__).read_text(encoding="utf-8"))
    imported = {
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("talentpool")
    }
    imported |= {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
        if alias.name.startswith("talentpool")
    }
    assert imported <= DOMAIN


def test_the_performance_datasets_have_the_specs_shape() -> None:
    """PF: real towns, five languages, ~3 submissions a candidate, ~25% active, 50 Zipf tags."""
    spec = performance_spec(3000, seed=4, country="DE")
    data = generate(spec)
    assert spec.country.name == "Germany"
    assert spec.country.towns[0].name == "Berlin"
    assert len(spec.country.towns) > 500
    subs = data.submissions
    assert 2.8 < len(subs) / len(data.candidates) < 3.2
    active = sum(s.is_active(spec.now) for s in subs) / len(subs)
    assert 0.2 < active < 0.3
    assert {c.profile_language for c in data.candidates} == set(LANGUAGES)
    assert Counter(c.profile_language for c in data.candidates).most_common(1)[0][0] == "de"
    popularity = Counter(t.label for c in data.candidates for t in c.tags).most_common()
    assert len(popularity) == 50
    assert popularity[0][1] > 10 * popularity[-1][1]
    # Every position hangs in the generated trees, and every submission is on one.
    trees = {t.dimension: t for t in data.structures}
    for requisition in data.requisitions:
        for dimension, node in (
            (Dimension.ORGANIZATION, requisition.organization),
            (Dimension.LOCATION, requisition.location),
            (Dimension.JOB_FIELD, requisition.job_field),
        ):
            assert node is None or node in trees[dimension].parents
    assert len(data.requisitions) == 61
    assert {s.requisition_id for s in subs} <= {r.id for r in data.requisitions}
    assert all(r.language == "de" for r in data.requisitions)
    pairs = [(s.candidate_id, s.requisition_id) for s in subs]
    assert len(pairs) == len(set(pairs))
    assert generate(performance_spec(3000, seed=4, country="DE")) == data


def test_the_performance_datasets_cluster_around_real_towns_or_spread() -> None:
    """PF: 70% of residences near the country's towns, or every one anywhere in its box."""
    clustered = generate(performance_spec(2000, country="CZ")).candidates
    homes = [c for c in clustered if c.residence is not None]
    near_town = sum(c.city is not None for c in homes) / len(homes)
    assert 0.6 < near_town < 0.8
    assert Counter(c.city for c in homes if c.city).most_common(1)[0][0] == "Prague"

    spec = performance_spec(500, country="CZ", clustered=0.0)
    spread = generate(spec).candidates
    assert {c.city for c in spread} == {None}
    assert all(spec.country.contains(c.residence) for c in spread if c.residence)


def test_an_unknown_country_is_a_configuration_error() -> None:
    """PF: a country GeoNames does not know is refused, naming the code."""
    with pytest.raises(ConfigurationError, match="'XX'"):
        geonames_country("XX")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("languages", (("xx", 1),)),
        ("languages", (("cs", 0),)),
        ("languages", "cs"),
        ("submissions", 0.5),
        ("submissions", 11),
        ("positions", -1),
        ("tags", 2.5),
    ],
)
def test_a_bad_shape_is_refused_naming_the_field(field: str, value: object) -> None:
    """PF: a language outside the five, a mean below one, a negative count are refused."""
    with pytest.raises(DomainError) as refused:
        DatasetSpec(**{field: value})  # type: ignore[arg-type]
    assert refused.value.field == field
