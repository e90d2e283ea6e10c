"""The Batch API calls: upload, create, poll, download, through the OpenAI SDK.

The client is built only when a provider batch runs, with the service's key and endpoint, the
SDK's retries off and the project's `ResilientTransport` underneath, so a 429 or a 5xx from the
files or batches endpoints is retried as the live calls are.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx2
import openai
from openai.types import Batch

from service.config import Settings
from service.errors import WirebriefError
from service.llm.transport import ResilientTransport

TERMINAL = frozenset({"completed", "failed", "expired", "cancelled"})


class ProviderBatchFailed(WirebriefError):
    """The provider refused or lost the batch itself (not one of its requests)."""

    type = "provider-batch-failed"
    status = 502
    title = "The provider's Batch API failed"


class BatchClient:
    def __init__(self, settings: Settings, transport: httpx2.AsyncBaseTransport | None = None) -> None:
        inner = transport or httpx2.AsyncHTTPTransport()
        resilient = ResilientTransport(inner, max_attempts=settings.max_attempts, initial_wait=settings.retry_base_s)
        self._http = httpx2.AsyncClient(transport=resilient)
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "not-needed"
        self.sdk = openai.AsyncOpenAI(
            api_key=key, base_url=settings.openai_base_url, max_retries=0, http_client=self._http
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def submit(self, content: bytes, *, name: str, metadata: dict[str, str]) -> Batch:
        """Upload one JSONL input file and start a batch over it."""
        try:
            uploaded = await self.sdk.files.create(file=(name, content, "application/jsonl"), purpose="batch")
            return await self.sdk.batches.create(
                input_file_id=uploaded.id,
                endpoint="/v1/chat/completions",
                completion_window="24h",
                metadata=metadata,
            )
        except openai.APIError as error:
            raise ProviderBatchFailed(f"the provider refused the batch upload: {_describe(error)}") from error

    async def wait(self, batch_id: str, *, interval_s: float, on_update: Callable[[Batch], None]) -> Batch:
        """Poll until the batch is completed, failed, expired or cancelled."""
        while True:
            try:
                batch = await self.sdk.batches.retrieve(batch_id)
            except openai.APIError as error:
                raise ProviderBatchFailed(f"could not read batch {batch_id}: {_describe(error)}") from error
            on_update(batch)
            if batch.status in TERMINAL:
                return batch
            await asyncio.sleep(interval_s)

    async def download(self, file_id: str | None) -> bytes:
        """The content of an output or error file (nothing when the batch has none)."""
        if not file_id:
            return b""
        try:
            return (await self.sdk.files.content(file_id)).content
        except openai.APIError as error:
            raise ProviderBatchFailed(f"could not download file {file_id}: {_describe(error)}") from error


def _describe(error: openai.APIError) -> str:
    if isinstance(error, openai.APIStatusError):
        return f"HTTP {error.status_code}: {error.message}"
    return f"{type(error).__name__}: {error.message}"
