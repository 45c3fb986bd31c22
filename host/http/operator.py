"""Operator endpoints of the admin API, beside ``host.http.admin``'s:

- ``POST /_stephost/cron/{name}/run``: run a cron step now, once (its schedule is not
  touched); 202 with the message and trace ids;
- ``GET /_stephost/logs?trace=&step=&after=&limit=``: the host's recent log lines
  (every runtime's included), numbered, oldest first; ``after`` (a number a previous
  answer gave as ``last``) returns only newer ones, which is how ``stephost logs
  --follow`` tails them.
"""

from __future__ import annotations

from typing import Any, Protocol

import orjson
from fastapi import APIRouter
from fastapi.responses import Response

from ..bus.bus import EventBus
from ..catalog import Catalog
from ..errors import NotFoundError, RequestError
from ..telemetry import recent_logs
from .bounds import After, Limit, Name, OptName

PREFIX = "/_stephost"
MAX_LOG_LINES = 5000


class OperatorHost(Protocol):
    """What these endpoints need of the host."""

    @property
    def catalog(self) -> Catalog: ...

    @property
    def bus(self) -> EventBus: ...


def _json(data: Any, status: int = 200) -> Response:
    return Response(
        orjson.dumps(data, default=str), status_code=status, media_type="application/json"
    )


def operator_routes(host: OperatorHost) -> APIRouter:
    router = APIRouter(prefix=PREFIX, include_in_schema=False)

    @router.post("/cron/{name}/run")
    async def run_cron(name: Name) -> Response:
        step = host.catalog.steps.get(name)
        if step is None:
            known = ", ".join(sorted(s.name for s in host.catalog.of_type("cron"))) or "none"
            raise NotFoundError(f"no step named {name!r} (cron steps: {known})")
        if step.type != "cron":
            raise RequestError(f"{name} is an {step.type} step; only cron steps run on demand")
        message_id, trace_id = await host.bus.run_cron(step)
        return _json({"step": name, "messageId": message_id, "traceId": trace_id}, 202)

    @router.get("/logs")
    async def logs(
        trace: OptName = None, step: OptName = None, after: After = 0, limit: Limit = 1000
    ) -> Response:
        limit = max(1, min(limit, MAX_LOG_LINES))
        found = [
            {"seq": seq, **line}
            for seq, line in recent_logs.after(after)
            if (trace is None or line.get("trace_id") == trace)
            and (step is None or line.get("step") == step)
        ]
        return _json({"items": found[-limit:], "last": recent_logs.total})

    return router
