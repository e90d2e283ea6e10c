"""How `wirebrief serve` logs: uvicorn's own lines, and the service's with the time, the level,
where it came from and the id of the request it belongs to (`-` outside a request)."""

from __future__ import annotations

import copy
import logging
from typing import Any

from uvicorn.config import LOGGING_CONFIG

from service.api.middleware import request_id


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record, as `request_id`."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


def logging_config(level: str) -> dict[str, Any]:
    """uvicorn's logging configuration, plus the service's loggers and the request id everywhere."""
    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"request_id": {"()": "service.logs.RequestIdFilter"}}
    config["formatters"]["service"] = {
        "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
    }
    # uvicorn's own lines in the same shape as the service's: time, level, logger, then the message.
    config["formatters"]["default"] = {
        "()": "uvicorn.logging.DefaultFormatter",
        "fmt": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        "use_colors": False,
    }
    config["formatters"]["access"] = {
        "()": "uvicorn.logging.AccessFormatter",
        "fmt": "%(asctime)s %(levelname)s %(name)s %(client_addr)s - "
        '"%(request_line)s" %(status_code)s [%(request_id)s]',
        "use_colors": False,
    }
    config["handlers"]["default"]["filters"] = ["request_id"]
    config["handlers"]["service"] = {
        "class": "logging.StreamHandler",
        "formatter": "service",
        "filters": ["request_id"],
        "stream": "ext://sys.stderr",
    }
    config["handlers"]["access"]["filters"] = ["request_id"]
    config["loggers"]["service"] = {"handlers": ["service"], "level": level.upper(), "propagate": False}
    return config
