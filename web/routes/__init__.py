"""The pages, one module each (or one per group of pages), each with an APIRouter.

A new page: write its module here with `router = APIRouter()` and add it to ROUTERS;
create_app includes them all.
"""

from __future__ import annotations

from fastapi import APIRouter

from web.routes import (
    accessibility,
    account,
    assisted,
    board,
    chair,
    checklist,
    health,
    home,
    ideas,
    people,
    records,
    reviews,
    sign_in,
    translations,
    ventures,
)

ROUTERS: tuple[APIRouter, ...] = (
    health.router,
    accessibility.router,
    sign_in.router,
    account.router,
    home.router,
    ventures.router,
    checklist.router,
    reviews.router,
    chair.router,
    records.router,
    people.router,
    assisted.router,
    board.router,
    translations.router,
    ideas.router,
)
