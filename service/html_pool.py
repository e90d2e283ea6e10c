"""HTML extraction in worker processes, under a time limit.

trafilatura and lxml are CPU work that holds the GIL inside single C calls (1.7 s at a time on a
1.7 MB page of sibling spans): run on a thread, it would stop the event loop from answering anyone.
A separate process keeps the loop free, and can be killed: a page that takes longer than the limit
is refused, and its worker replaced, so no page can take more CPU than that.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING

from service.errors import InvalidArticle, Overloaded

if TYPE_CHECKING:
    from service.html import ExtractedPage

log = logging.getLogger(__name__)

WORKERS = 1  # one core for pages; the other stays with the event loop and the rules engine
MAX_WAITING = 32  # pages in flight or waiting; past it, 503 with Retry-After
# A new worker first starts and imports trafilatura (a second or more on a busy machine): the page
# that waits for that is given this much more, once, so the limit is the page's, not the start's.
WORKER_START_S = 5.0
_SELF_CHECK = "<html><body><article><p>The council agreed to rebuild the bridge by 2026.</p></article></body></html>"

_pool: ProcessPoolExecutor | None = None
_pool_started = False  # has the current pool's worker finished a page (so it is up)?
_in_flight = 0


def _extract(html: str | bytes, url: str | None, charset: str | None) -> ExtractedPage:
    """In the worker: trafilatura is imported there, never in the service's own process."""
    from service.html import html_to_article_fields

    return html_to_article_fields(html, url, charset=charset)


def _start_worker(service_pid: int) -> None:
    """In each worker: yield the CPU to the service (a page being read must not slow the event loop
    that answers everyone else), and exit when the service's process is gone (killed with -9, say)
    rather than linger as an orphan holding memory."""
    with contextlib.suppress(OSError):
        os.nice(10)
    import service.html  # noqa: F401  # trafilatura and lxml, loaded as the worker starts

    def watch() -> None:
        while True:
            time.sleep(1.0)
            try:
                os.kill(service_pid, 0)
            except ProcessLookupError:
                os._exit(0)
            except PermissionError:  # alive, under another user
                pass

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _executor() -> ProcessPoolExecutor:
    global _pool, _pool_started
    if _pool is None:
        _pool_started = False
        # forkserver: workers start from a clean process, not a copy of one with threads and spaCy in it.
        _pool = ProcessPoolExecutor(
            max_workers=WORKERS,
            mp_context=multiprocessing.get_context("forkserver"),
            initializer=_start_worker,
            initargs=(os.getpid(),),
        )
    return _pool


def _kill(pool: ProcessPoolExecutor) -> None:
    """Stop the pool's workers now (a page past its limit is still running in one of them)."""
    global _pool
    if _pool is pool:
        _pool = None
    for process in list(getattr(pool, "_processes", {}).values()):  # no public way to stop a running task
        process.kill()
    pool.shutdown(wait=False, cancel_futures=True)


async def extract_page(html: str | bytes, url: str | None, *, charset: str | None, timeout_s: float) -> ExtractedPage:
    """`html_to_article_fields` in a worker process; `InvalidArticle` when it takes over `timeout_s`."""
    global _in_flight, _pool_started
    if _in_flight >= MAX_WAITING:
        raise Overloaded(f"{_in_flight} pages are already being read; retry shortly", retry_after=2)
    _in_flight += 1
    try:
        for attempt in range(2):
            pool = _executor()
            allowance = 0.0 if _pool_started else WORKER_START_S
            try:
                future = asyncio.wrap_future(pool.submit(_extract, html, url, charset))
                async with asyncio.timeout(timeout_s + allowance):
                    page = await future
                if pool is _pool:
                    _pool_started = True
                return page
            except TimeoutError:
                _kill(pool)
                log.warning("an HTML page took over %g s to read; its worker was stopped", timeout_s)
                raise InvalidArticle(
                    f"the HTML page is too complex to read within {timeout_s:g} s; send its text instead"
                ) from None
            except BrokenProcessPool:
                # a worker died (another page's time ran out, or the process was killed or crashed):
                # a new pool, and once more; a page that breaks two readers is refused, not retried
                _kill(pool)
                if attempt == 1:
                    log.warning("an HTML page stopped its reader twice")
                    raise InvalidArticle("the HTML page stopped the reader; send its text instead") from None
        raise AssertionError("unreachable")
    finally:
        _in_flight -= 1


async def self_check() -> str | None:
    """Read a small page: None when HTML can be read, else why not (for /readyz). Catches what a
    broken install brings (a missing lxml_html_clean, trafilatura failing to import). Run on a
    thread, in this process: starting a worker for it would cost every start-up a process."""

    def check() -> str | None:
        page = _extract(_SELF_CHECK, None, None)
        return None if "bridge" in page.text else "the HTML reader returned no text for a known page"

    try:
        return await asyncio.get_running_loop().run_in_executor(None, check)
    except Exception as error:  # readiness reports any failure, it does not raise it
        return f"{type(error).__name__}: {error}"


def shutdown() -> None:
    """Stop the workers (and so the forkserver, which lives as long as one of them does)."""
    if _pool is not None:
        _kill(_pool)
