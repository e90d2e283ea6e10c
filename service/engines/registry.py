"""The engines this service can run, in order of preference (adding one is a module and a line
here), and `EngineSet`: the ones built for this process, and how a request picks one.

Each module has `async def build(settings, seams) -> Engine | None` (None when the settings do not
call for it) and `NOT_CONFIGURED`, the one line that tells a user how to turn it on. Modules are
imported only when built, so an engine nobody runs costs no start-up.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from service.errors import EngineUnavailable, UnknownEngine

if TYPE_CHECKING:
    from service.config import Settings
    from service.engines.base import Engine, Seams

ENGINES: dict[str, str] = {
    "llm": "service.engines.llm",
    "rules": "service.engines.rules",
}


async def build_engines(settings: Settings, seams: Seams) -> list[Engine]:
    """The engines the settings call for, in the order above."""
    if settings.engine not in ("auto", *ENGINES):
        known = ", ".join(["auto", *ENGINES])
        raise UnknownEngine(f"WIREBRIEF_ENGINE={settings.engine} is not an engine; the engines are {known}")
    built: list[Engine] = []
    for module_name in ENGINES.values():
        engine = await importlib.import_module(module_name).build(settings, seams)
        if engine is not None:
            built.append(engine)
    return built


def not_configured(name: str) -> str:
    """Why a registered engine is not running: what its user sets to turn it on."""
    reason: str = importlib.import_module(ENGINES[name]).NOT_CONFIGURED
    return reason


class EngineSet:
    """The engines built for this process, in order of preference: "auto" is the first, and the
    first offline one answers when another fails (unless the fallback is switched off)."""

    def __init__(self, engines: Sequence[Engine], *, default: str = "auto", fallback: bool = True) -> None:
        self._engines = {engine.name: engine for engine in engines}
        self._default = default
        self._fallback = next((e for e in engines if e.offline), None) if fallback else None

    def __iter__(self) -> Iterator[str]:
        return iter(self._engines)

    def __contains__(self, name: object) -> bool:
        return name in self._engines

    def __getitem__(self, name: str) -> Engine:
        return self._engines[name]

    def values(self) -> list[Engine]:
        return list(self._engines.values())

    def check_name(self, name: str | None, where: tuple[str, ...] = ("options", "engine")) -> None:
        """Refuse a name no engine has (422), before anything is read or fetched."""
        if name is not None and name != "auto" and name not in self._engines and name not in ENGINES:
            known = ", ".join(["auto", *ENGINES, *(e for e in self._engines if e not in ENGINES)])
            raise UnknownEngine(f"there is no engine called {name!r}; the engines are {known}", where)

    def choose(self, requested: str | None) -> Engine:
        wanted = requested or self._default
        self.check_name(wanted)
        if wanted == "auto":
            if not self._engines:
                raise EngineUnavailable("no engine is running")
            return next(iter(self._engines.values()))
        if wanted not in self._engines:
            raise EngineUnavailable(not_configured(wanted))
        return self._engines[wanted]

    def fallback_for(self, engine: Engine) -> Engine | None:
        return self._fallback if self._fallback is not engine else None
