"""GET /healthz: the pages answer (for a load balancer, a test, a benchmark's trivial page)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

router = APIRouter()


@router.get("/healthz", response_class=PlainTextResponse, include_in_schema=False)
def healthz() -> PlainTextResponse:
    return PlainTextResponse("ok")
