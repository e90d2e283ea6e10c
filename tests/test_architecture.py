"""The house's floors, checked over the real import graph (grimp, the graph import-linter uses):
API -> pipeline -> engines -> grounding/assemble -> schemas, and no arrow upwards.

Imports under `if TYPE_CHECKING:` are annotations only and are left out; every other import
counts, including one inside a function (a lazy import is still a dependency)."""

from __future__ import annotations

import subprocess
import sys

import grimp
import pytest

from tests.support import ROOT

GRAPH = grimp.build_graph("service", "schemas", "devtools", cache_dir=None, exclude_type_checking_imports=True)


def chain(importer: str, imported: str) -> list[str] | None:
    """The shortest import chain from a module or package to another, or None; packages include
    their modules."""
    sources = {importer} | (GRAPH.find_descendants(importer) if importer in GRAPH.modules else set())
    targets = {imported} | (GRAPH.find_descendants(imported) if imported in GRAPH.modules else set())
    for source in sorted(sources):
        for target in sorted(targets):
            found = GRAPH.find_shortest_chain(importer=source, imported=target)
            if found:
                return list(found)
    return None


def direct(importer: str, imported: str) -> list[tuple[str, str]]:
    return [
        (match["importer"], match["imported"])
        for match in GRAPH.find_matching_direct_imports(import_expression=f"{importer}.** -> {imported}.**")
    ]


def test_the_contract_imports_nothing_from_the_service() -> None:
    """`schemas` is the public contract: a client can use it without the service behind it."""
    assert chain("schemas", "service") is None, chain("schemas", "service")


def test_there_is_no_import_circle() -> None:
    circles = [
        [module, *path]
        for module in sorted(GRAPH.modules)
        for imported in GRAPH.find_modules_directly_imported_by(module)
        if (path := GRAPH.find_shortest_chain(importer=imported, imported=module))
    ]
    assert circles == [], "\n".join(" -> ".join(c) for c in circles)


@pytest.mark.parametrize(
    "higher", ["service.pipeline", "service.api", "service.cli", "service.batch", "service.jobs", "service.delivery"]
)
def test_engines_never_depend_on_what_calls_them(higher: str) -> None:
    assert chain("service.engines", higher) is None, chain("service.engines", higher)


def test_the_api_imports_the_pipeline_never_an_engine() -> None:
    assert direct("service.api", "service.engines") == []
    assert chain("service.api", "service.pipeline") is not None


@pytest.mark.parametrize("lower", ["service.assemble", "service.grounding", "service.article", "service.undertakings"])
def test_grounding_and_assembly_sit_below_the_engines(lower: str) -> None:
    for higher in ("service.engines", "service.pipeline", "service.api"):
        assert chain(lower, higher) is None, chain(lower, higher)


def test_the_running_service_never_imports_the_developer_tools() -> None:
    assert chain("service", "devtools") is None, chain("service", "devtools")


@pytest.mark.parametrize("user", ["service.jobs", "service.delivery", "service.store"])
def test_jobs_and_deliveries_know_the_work_queue_only_by_its_port(user: str) -> None:
    """procrastinate is one way to run them (PostgreSQL's); the one-machine duties are another."""
    for engine in ("service.background.queue", "service.background.one_machine", "service.background.duties"):
        assert chain(user, engine) is None, chain(user, engine)


def test_the_postgresql_queue_is_loaded_only_where_it_runs() -> None:
    """procrastinate (and its 0.2 s of imports) is for PostgreSQL: the service, the command line and
    the batch load it only once they find a PostgreSQL URL."""
    modules = ["service.api.app", "service.cli", "service.batch.run", "service.background.duties"]
    code = f"import sys; import {', '.join(modules)}; print('procrastinate' in sys.modules)"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert loaded.stdout.strip() == "False"
