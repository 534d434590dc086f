"""ST1: the core knows no storage; everything it reads or writes goes through protocols.

And the layers of DESIGN.md hold: nothing imports upward, there is no import
cycle, the ports import no evaluator, no adapter imports a service, and
``import talentpool`` loads no adapter.
"""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
import typing
from pathlib import Path

import pytest

import talentpool
from talentpool import ports

PACKAGE = Path(talentpool.__file__).resolve().parent
# Everything but the adapters, the pieces built on them for hosts and demos (the test
# kit in testing/: World, strategies, contracts; the demo; the CLI), and the package
# facade, which re-exports the in-memory reference for convenience.
EDGE = {"adapters", "testing", "demo", "cli", "__init__"}
CORE = sorted(
    p
    for p in PACKAGE.rglob("*.py")
    if p.relative_to(PACKAGE).parts[0].removesuffix(".py") not in EDGE
)
STORAGE = ("talentpool.adapters", "sqlite3", "psycopg", "sqlalchemy")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize("path", CORE, ids=lambda p: p.name)
def test_the_core_imports_no_adapter(path: Path) -> None:
    storage = {m for m in _imports(path) if m.startswith(STORAGE)}
    assert storage == set()


def test_the_core_is_not_empty() -> None:
    names = {p.name for p in CORE}
    assert {
        "autopool.py",
        "criteria.py",
        "evaluate.py",
        "bind.py",
        "common.py",
        "model.py",
    } <= names


def test_ports_are_protocols() -> None:
    protocols = [
        obj
        for name, obj in vars(ports).items()
        if inspect.isclass(obj) and name.endswith(("Repository", "UnitOfWork", "Generator"))
    ]
    assert len(protocols) >= 8
    for proto in protocols:
        assert getattr(proto, "_is_protocol", False), proto.__name__
        assert typing.Protocol in proto.__mro__, proto.__name__


# --- the layers (DESIGN.md) ----------------------------------------------------------------

LAYERS: list[tuple[str, set[str]]] = [
    ("values", {"errors", "ids", "text", "geo", "clock", "validators", "tags", "structure"}),
    ("criteria", {"criteria"}),
    # the JSON documents read templates too, so they sit with the entities they read
    ("model", {"model", "events", "notifications", "serialization", "documents", "audit"}),
    ("engine", {"engine", "results"}),
    ("queries", {"queries"}),
    ("ports", {"ports"}),
    (
        "services",
        {"guards", "autopool", "actions", "repooling", "visibility", "micropools", "erasure"},
    ),
    ("adapters", {"adapters"}),
    ("testing", {"testing"}),
    ("cli, demo", {"cli", "demo", "html"}),
    ("facade", {"__init__"}),
]
LAYER_OF = {top: i for i, (_, tops) in enumerate(LAYERS) for top in tops}
SERVICES = LAYER_OF["autopool"]
MODULES = sorted(PACKAGE.rglob("*.py"))


def _module(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(["talentpool", *parts]) if parts != ["__init__"] else "talentpool"


def _top(module: str) -> str:
    return module.split(".")[1] if "." in module else "__init__"


def _runtime_imports(path: Path) -> set[str]:
    """Every talentpool module *path* imports, in functions too, but not for type checking."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            typing_only.update(id(n) for child in node.body for n in ast.walk(child))
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return {m for m in found if m == "talentpool" or m.startswith("talentpool.")}


def test_every_module_has_a_layer() -> None:
    assert {_top(_module(p)) for p in MODULES} <= set(LAYER_OF)


@pytest.mark.parametrize("path", MODULES, ids=_module)
def test_nothing_imports_upward(path: Path) -> None:
    """Each layer imports only the layers above it in DESIGN.md's list (ST1)."""
    here = LAYER_OF[_top(_module(path))]
    upward = {m for m in _runtime_imports(path) if LAYER_OF[_top(m)] > here}
    assert upward == set()


def _load_time_graph() -> dict[str, set[str]]:
    return {_module(p): _load_time_imports(p) for p in MODULES}


def test_there_is_no_import_cycle() -> None:
    graph = _load_time_graph()
    done: set[str] = set()

    def visit(module: str, trail: tuple[str, ...]) -> None:
        if module in trail:
            cycle = " -> ".join((*trail[trail.index(module) :], module))
            pytest.fail(f"import cycle: {cycle}")
        if module in done:
            return
        for imported in graph.get(module, set()):
            visit(imported, (*trail, module))
        done.add(module)

    for module in sorted(graph):
        visit(module, ())


@pytest.mark.parametrize("path", sorted((PACKAGE / "ports").rglob("*.py")), ids=_module)
def test_the_ports_import_no_evaluator(path: Path) -> None:
    imported = _runtime_imports(path)
    assert {m for m in imported if m.startswith("talentpool.engine")} == set()


def test_each_feature_has_its_own_store() -> None:
    """ST1: a host using one feature implements only that feature's ports."""
    from talentpool.ports import AutopoolStore, MicroPoolStore, UnitOfWork

    def members(proto: type) -> set[str]:
        return {n for n in vars(proto) if not n.startswith("_")}

    autopool, micro = members(AutopoolStore), members(MicroPoolStore)
    assert {"repooling_rules", "quick_filters", "templates"} <= autopool - micro
    assert {"subscriptions", "visibility", "notifications"} <= micro - autopool
    assert UnitOfWork.__mro__[1:3] == (AutopoolStore, MicroPoolStore)


def test_host_owned_data_is_read_only_in_the_ports() -> None:
    """ST1: users, trees, attachments and requisitions are read; only fixtures write them."""
    from talentpool import ports

    for proto in (ports.UserRepository, ports.StructureRepository, ports.AttachmentRepository):
        assert "save" not in dir(proto), proto.__name__
    assert "save" not in dir(ports.RequisitionRepository)
    # the library's own fields of a requisition are the only writes
    writes = {"add", "set_autopool", "exclude_from_pool"}
    assert writes <= set(dir(ports.RequisitionRepository))


@pytest.mark.parametrize("path", sorted((PACKAGE / "adapters").rglob("*.py")), ids=_module)
def test_no_adapter_imports_a_service(path: Path) -> None:
    services = {m for m in _runtime_imports(path) if LAYER_OF[_top(m)] == SERVICES}
    assert services == set()


def test_importing_talentpool_loads_no_adapter() -> None:
    code = (
        "import sys, talentpool\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('talentpool.adapters'))\n"
        "print(loaded)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
    # the adapters are still where hosts find them
    assert talentpool.MemoryUnitOfWork.__module__ == "talentpool.adapters.memory"


def _load_time_imports(path: Path) -> set[str]:
    """What a module imports when it loads: its top-level statements only.

    Imports inside functions and under ``if TYPE_CHECKING:`` do not run at load
    time, so they cannot close a cycle.
    """
    found: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return {m for m in found if m.startswith("talentpool.")}


def _named_types(annotation: object) -> set[type]:
    found: set[type] = set()
    if (
        isinstance(annotation, type)
        and typing.get_origin(annotation) is None
        and annotation.__module__.startswith("talentpool")
    ):
        found.add(annotation)
    for arg in typing.get_args(annotation):
        found |= _named_types(arg)
    return found


def test_every_type_a_port_takes_or_returns_is_exported() -> None:
    """ST1: a host implementing a port finds every type it names in ``talentpool`` or its ports."""
    missing = set()
    for name, proto in vars(ports).items():
        if not (inspect.isclass(proto) and getattr(proto, "_is_protocol", False)):
            continue
        for member, value in inspect.getmembers(proto):
            target = value.fget if isinstance(value, property) else value
            if (member.startswith("_") and member != "__iter__") or not callable(target):
                continue
            for hinted in typing.get_type_hints(target).values():
                for kind in _named_types(hinted):
                    exported = getattr(talentpool, kind.__name__, None) is kind
                    if not exported and getattr(ports, kind.__name__, None) is not kind:
                        missing.add(f"{name}.{member}: {kind.__module__}.{kind.__name__}")
    assert sorted(missing) == []


def test_the_public_names_resolve() -> None:
    for name in talentpool.__all__:
        assert getattr(talentpool, name) is not None, name
