"""Log in and out."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from platewarden.api.deps import bearer_token, container_of, logged_in, public
from platewarden.api.schemas import LoginIn, MeOut, TokenOut
from platewarden.services.accounts import Principal

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


@router.post("/login", response_model=TokenOut, dependencies=[Depends(public)])
async def login(body: LoginIn, request: Request) -> TokenOut:
    """Exchange a user name and password for a bearer token."""
    issued = await run_in_threadpool(container_of(request).accounts.login,
                                     username=body.username, password=body.password)
    return TokenOut(token=issued.token, expires_at=issued.expires_at)


@router.post("/logout", status_code=204)
def logout(request: Request, _: Principal = Depends(logged_in)) -> Response:
    """End the current session."""
    token = bearer_token(request)
    if token:
        container_of(request).accounts.logout(token)
    return Response(status_code=204)


@router.get("/me", response_model=MeOut)
def me(principal: Principal = Depends(logged_in)) -> MeOut:
    """Who is logged in, with which roles."""
    return MeOut(username=principal.username, roles=sorted(principal.roles),
                 permissions=sorted(p.value for p in principal.permissions))
