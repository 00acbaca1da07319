"""``platewarden user add``, ``reset-mfa`` and ``totp-code``."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Annotated

import typer

from platewarden.cli.common import DEFAULT_DATA_DIR, DataDir, console, fail, open_container
from platewarden.domain.access import EVERYWHERE, RegionScope, Role
from platewarden.domain.totp import totp
from platewarden.services.errors import ServiceError
from platewarden.services.second_factor import decode_secret

app = typer.Typer(help="Manage user accounts.", no_args_is_help=True)


def _scope(codes: list[str], *, all_regions: bool) -> RegionScope:
    if all_regions == bool(codes):
        raise typer.BadParameter("Give either --region (repeatable) or --all-regions.")
    try:
        return EVERYWHERE if all_regions else RegionScope.of(codes)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc


@app.command("add")
def add(
    username: Annotated[str, typer.Option("--username", help="Login name.")],
    role: Annotated[list[Role], typer.Option("--role", help="A role to grant (repeatable).")],
    region: Annotated[list[str] | None, typer.Option(
        "--region", help="A region the user may see, by any of its two-digit codes "
                         "(repeatable).")] = None,
    all_regions: Annotated[bool, typer.Option(
        "--all-regions", help="Let the user see every region (national staff).")] = False,
    data_dir: DataDir = DEFAULT_DATA_DIR,
) -> None:
    """Create a user with a generated password, printed once.

    The user sets up an authenticator app (TOTP) at first login; nothing else is accepted.
    A user sees only the cameras and records of the regions granted: give --region or
    --all-regions.
    """
    scope = _scope(region or [], all_regions=all_regions)
    password = secrets.token_urlsafe(18)
    container = open_container(data_dir)
    try:
        container.accounts.create_user(username=username, password=password,
                                       roles=frozenset(role), regions=scope)
    except ServiceError as exc:
        raise fail(exc) from exc
    finally:
        container.stop()
    roles = ", ".join(sorted(r.value for r in role))
    console.print(f"User [bold]{username}[/bold] ({roles})  password: [bold]{password}[/bold]"
                  "  (shown once: hand it over privately)", soft_wrap=True)


@app.command("reset-mfa")
def reset_mfa(
    username: Annotated[str, typer.Argument(help="The user who lost their authenticator.")],
    data_dir: DataDir = DEFAULT_DATA_DIR,
) -> None:
    """Forget a user's authenticator and recovery codes; they enrol again at next login.

    Their sessions end and any lockout is lifted. Check who is asking before you run it.
    """
    container = open_container(data_dir)
    try:
        container.accounts.reset_mfa(username=username)
    except ServiceError as exc:
        raise fail(exc) from exc
    finally:
        container.stop()
    console.print(f"Authenticator of {username} reset: they enrol again at next login.")


@app.command("totp-code")
def totp_code(
    secret: Annotated[str, typer.Option("--secret", help="The base32 secret shown at "
                                        "enrolment.")],
) -> None:
    """Print the current six-digit code for a TOTP secret (like an authenticator app).

    For the demo and for scripted tests; people should keep their secret in an
    authenticator app on another device, which is the point of a second factor.
    """
    try:
        key = decode_secret(secret)
    except ValueError as exc:
        raise typer.BadParameter("not a base32 secret") from exc
    console.print(totp(key, datetime.now(UTC)))
