"""The `wirebrief` command: serve the API, summarise a file, manage LLM fixtures."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Literal, NoReturn

import typer
from pydantic import ValidationError

from schemas import Analysis
from schemas.request import BriefRequest
from service.config import Settings, get_settings
from service.engines.registry import ENGINES
from service.errors import WirebriefError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="A news article in; a grounded brief out.")


ENGINE_HELP = "Engine to run: " + ", ".join(["auto", *ENGINES]) + "."


def _known_engine(name: str | None) -> str | None:
    if name is not None and name not in ("auto", *ENGINES):
        raise typer.BadParameter(f"there is no engine called {name!r}; the engines are auto, {', '.join(ENGINES)}")
    return name


def fail(message: str, code: int = 1) -> NoReturn:
    """One line on stderr and a non-zero exit: what a CLI user should see on bad input."""
    typer.echo(f"wirebrief: error: {message}", err=True)
    raise typer.Exit(code)


@app.callback()
def check_settings() -> None:
    """Every command starts by reading the settings: a bad one is one line, never a traceback
    (and never its value, which may be a secret)."""
    try:
        get_settings()
    except ValidationError as error:
        problems = "; ".join(
            f"{_variable(e['loc'])}: {e['msg']}" for e in error.errors(include_url=False, include_input=False)
        )
        fail(f"invalid settings: {problems}")


def _say_where_results_go(settings: Settings) -> None:
    """Results are kept between runs (the cache, resumption): a user who chose no place is told where."""
    if "database_url" not in settings.model_fields_set:
        from service.store import store_location

        where = store_location(settings.database_url)
        typer.echo(f"wirebrief: results are kept in {where} (WIREBRIEF_DATABASE_URL chooses another place)", err=True)


def _variable(location: tuple[int | str, ...]) -> str:
    field = str(location[0]) if location else "settings"
    alias = Settings.model_fields[field].validation_alias if field in Settings.model_fields else None
    choices = getattr(alias, "choices", None)
    return str(choices[0]) if choices else f"WIREBRIEF_{field.upper()}"


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Worker processes (default WIREBRIEF_WORKERS, 1).", show_default=False)
    ] = None,
) -> None:
    """Run the HTTP API."""
    import uvicorn

    from service.api.server import GuardedHttpProtocol
    from service.logs import logging_config

    settings = get_settings()
    count = workers or settings.workers
    if count > 1:
        typer.echo(
            f"wirebrief: {count} worker processes, each with its own rules queue (rate limit and LLM slots: shared)",
            err=True,
        )
    app: Any = "service.api.app:create_app"  # several workers each build the app from the same settings
    if count == 1:
        from service.api.app import create_app

        app = create_app(settings)
    with _metrics_folder() if count > 1 else contextlib.nullcontext():  # where the workers' metrics meet
        uvicorn.run(
            app,
            factory=count > 1,
            workers=count,
            host=host,
            port=port,
            log_config=logging_config(settings.log_level),
            http=GuardedHttpProtocol,  # header timeout and size limit, connection cap (service.api.server)
            log_level=settings.log_level.lower(),
        )


@app.command()
def worker() -> None:
    """Work off the PostgreSQL queue (jobs, deliveries, queued batches) without serving HTTP.

    Start any number, on any machine with WIREBRIEF_DATABASE_URL; Ctrl-C or SIGTERM stops one, and
    what it was running goes back to the queue."""
    import logging.config

    from service.background.worker_process import run_worker
    from service.logs import logging_config

    settings = get_settings()
    logging.config.dictConfig(logging_config(settings.log_level))
    try:
        asyncio.run(run_worker(settings))
    except WirebriefError as error:
        fail(error.detail)


@contextlib.contextmanager
def _metrics_folder() -> Iterator[None]:
    """A fresh folder for the workers' metrics (prometheus_client's multiprocess mode), unless one is set."""
    from service.metrics import MULTIPROCESS_DIR_VARIABLE

    if os.environ.get(MULTIPROCESS_DIR_VARIABLE):
        yield
        return
    with tempfile.TemporaryDirectory(prefix="wirebrief-metrics-") as folder:
        os.environ[MULTIPROCESS_DIR_VARIABLE] = folder
        try:
            yield
        finally:
            del os.environ[MULTIPROCESS_DIR_VARIABLE]


@app.command()
def summarize(
    source: Annotated[str, typer.Argument(help="A text or HTML file, an http(s) URL, or - for standard input.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the Analysis as JSON.")] = False,
    output_format: Annotated[
        Literal["markdown", "json", "csv", "html"] | None,
        typer.Option("--format", help="markdown (the default), json, csv or html."),
    ] = None,
    engine: Annotated[str | None, typer.Option(help=ENGINE_HELP, callback=_known_engine)] = None,
    language: Annotated[str | None, typer.Option(help="Language of the brief.")] = None,
    title: Annotated[str | None, typer.Option(help="Title of the article.")] = None,
    slack: Annotated[str | None, typer.Option(help="Also post the brief to this Slack incoming webhook.")] = None,
) -> None:
    """Analyse one article and print the brief, actors and commitments."""
    from schemas.request import BriefOptions, BriefRequest
    from service.render import render

    if as_json and output_format not in (None, "json"):
        fail(f"--json and --format {output_format} ask for two formats: give one")
    if source != "-" and Path(source).is_dir():
        fail(f"{source} is a folder; to summarise every article in it: wirebrief batch {source} -o results.jsonl")
    if source.startswith(("http://", "https://")):
        request = BriefRequest(url=source, title=title)
    elif source.lower().endswith((".html", ".htm")):
        request = BriefRequest(html=_read_input(source), title=title)
    else:
        request = BriefRequest(text=_read_input(source), title=title)
    request.options = BriefOptions(engine=engine, language=language)
    try:
        analysis = asyncio.run(_summarize(request, slack))
    except WirebriefError as error:
        fail(error.detail)
    typer.echo(render(analysis, "json" if as_json else output_format or "markdown"))


async def _summarize(request: BriefRequest, slack: str | None) -> Analysis:
    """The same pipeline as the service; `--slack` goes through the same delivery code."""
    from service.background.duties import hand_over_unsettled
    from service.delivery import Deliveries, slack_message
    from service.ingest import ingest
    from service.netguard import check_url
    from service.pipeline import Pipeline

    settings = get_settings()
    _say_where_results_go(settings)
    if slack:
        await check_url(slack, settings.allow_list)
    pipeline = await Pipeline.from_settings(settings)
    try:
        article = await ingest(request, settings)
        analysis = await pipeline.analyze(article, engine=request.options.engine, language=request.options.language)
        if slack and pipeline.store is not None:
            deliveries = Deliveries(pipeline.store, settings, own_only=True)
            await deliveries.start()
            try:
                link = f"{settings.public_base_url}/v1/briefs/{analysis.id}?format=markdown"
                delivery_id = await deliveries.enqueue_slack(slack, slack_message(analysis, link=link))
                [record] = await deliveries.drain([delivery_id], timeout_s=settings.webhook_timeout_s * 3 + 30)
            finally:
                await deliveries.stop()
            if record.state != "delivered":
                handed = await hand_over_unsettled(deliveries, pipeline.store)
                later = "; the queue's workers will keep trying" if handed else ""
                typer.echo(
                    f"wirebrief: the Slack message was not delivered ({record.state}): {record.last_error}{later}",
                    err=True,
                )
    finally:
        await pipeline.aclose()
    return analysis


def _read_input(file: str) -> str:
    if file == "-":
        data = sys.stdin.buffer.read()
    else:
        path = Path(file)
        if not path.is_file():
            fail(f"no such file: {file}")
        data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        fail(f"{file} is not UTF-8 text (byte {error.start})")


@app.command()
def batch(
    inputs: Annotated[list[str], typer.Argument(help="Files, folders (.txt .md .html), .jsonl, .csv, or - for JSONL.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="JSONL results: appended, resumable.")],
    concurrency: Annotated[int, typer.Option(min=1, max=1024, help="Articles in flight (halved on 429s).")] = 8,
    table: Annotated[Path | None, typer.Option(help="Write every commitment to this CSV.")] = None,
    report: Annotated[Path | None, typer.Option(help="Write a Markdown report here.")] = None,
    retry_failed: Annotated[bool, typer.Option("--retry-failed", help="Run again the articles that failed.")] = False,
    engine: Annotated[str | None, typer.Option(help=ENGINE_HELP, callback=_known_engine)] = None,
    webhook: Annotated[str | None, typer.Option(help="Also deliver each result as a signed webhook here.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress output.")] = False,
    provider_batch: Annotated[
        bool, typer.Option("--provider-batch", help="Send the LLM calls through OpenAI's Batch API (cheaper, slower).")
    ] = False,
    poll_interval: Annotated[
        float, typer.Option(min=0, help="Seconds between checks on a --provider-batch batch.")
    ] = 30.0,
    queue: Annotated[
        bool, typer.Option("--queue", help="PostgreSQL: queue the articles for `wirebrief worker`s to analyse.")
    ] = False,
) -> None:
    """Summarise many articles into one JSONL file; run it again to resume where it stopped.

    Exit status: 0 when every article succeeded, 3 when some failed (they are in the output as
    error records; --retry-failed runs them again), 130 when interrupted.
    """
    from service.batch.run import run_batch

    missing = [name for name in inputs if name != "-" and not Path(name).exists()]
    if missing:  # a mistyped path is the command's error, found before anything runs
        fail(f"no such file or folder: {', '.join(missing)}")
    options = None
    if queue and provider_batch:
        fail("--queue and --provider-batch are two ways to run the batch: give one")
    if provider_batch:
        from service.batch.provider import ProviderBatchOptions, provider_batch_problem

        if problem := provider_batch_problem(get_settings(), engine):
            fail(problem)
        options = ProviderBatchOptions(poll_interval_s=poll_interval)
    if not quiet:
        _say_where_results_go(get_settings())
    try:
        summary = asyncio.run(
            run_batch(
                inputs,
                output,
                concurrency=concurrency,
                table=table,
                report=report,
                retry_failed=retry_failed,
                engine=engine,
                webhook=webhook,
                quiet=quiet,
                provider_batch=options,
                queued=queue,
            )
        )
    except KeyboardInterrupt:
        typer.echo("wirebrief: interrupted; run the same command again to resume", err=True)
        raise typer.Exit(130) from None
    except WirebriefError as error:
        fail(error.detail)
    typer.echo(summary.line(), err=True)
    if summary.failed:
        raise typer.Exit(3)


database = typer.Typer(no_args_is_help=True, help="The database: its schema's migrations.")
app.add_typer(database, name="db")


@database.command("upgrade")
def database_upgrade() -> None:
    """Bring the database's schema up to date (the service also does it at start-up)."""
    from service.store.migrate import head_revision, upgrade

    with _database() as (engine, where):
        upgrade(engine)
    typer.echo(f"wirebrief: {where} is at schema {head_revision()} (the newest)", err=True)


@database.command("current")
def database_current() -> None:
    """Print the schema revision the database is at, and the newest one this version knows."""
    from service.store.migrate import current_revision, head_revision

    with _database() as (engine, _), engine.connect() as connection:
        current = current_revision(connection)
    typer.echo(f"{current or 'none'} (newest: {head_revision()})")


@contextlib.contextmanager
def _database() -> Iterator[tuple[Any, str]]:
    """The configured database; one that cannot be reached or changed is one line, not a traceback."""
    from sqlalchemy import create_engine
    from sqlalchemy.exc import SQLAlchemyError

    from service.store import make_sqlite_folder, store_location

    url = get_settings().database_url
    where = store_location(url)
    make_sqlite_folder(url)
    engine = create_engine(url)
    try:
        yield engine, where
    except SQLAlchemyError as error:
        cause = getattr(error, "orig", None) or error
        fail(f"{where}: {type(cause).__name__}: {str(cause).strip().splitlines()[0]}")
    finally:
        engine.dispose()


if __name__ == "__main__":
    app()
