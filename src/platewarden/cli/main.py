"""The ``platewarden`` command."""

from __future__ import annotations

import typer

from platewarden.cli import (
    admin,
    audit,
    cameras,
    database,
    demo,
    doctor,
    evidence,
    hotlist,
    notices,
    retention,
    serve,
    simulate,
    transparency,
    users,
)
from platewarden.cli.recognition import bench_app, camera_agent, recognize, train_app

app = typer.Typer(name="platewarden", no_args_is_help=True, add_completion=False,
                  help="Platewarden: licence-plate camera platform for traffic enforcement.")
app.command("init")(admin.init)
app.command("serve")(serve.serve)
app.command("doctor")(doctor.doctor)
app.add_typer(cameras.app, name="camera")
app.add_typer(hotlist.app, name="hotlist")
app.command("simulate")(simulate.simulate)
app.command("demo")(demo.demo)
app.command("recognize")(recognize)
app.command("camera-agent")(camera_agent)
app.add_typer(train_app, name="train")
app.add_typer(bench_app, name="bench")
app.add_typer(audit.app, name="audit")
app.add_typer(users.app, name="user")
app.add_typer(retention.app, name="retention")
app.add_typer(database.app, name="db")
app.add_typer(evidence.app, name="evidence")
app.add_typer(transparency.app, name="transparency")
app.add_typer(notices.app, name="notices")
app.add_typer(notices.registry_app, name="registry")

if __name__ == "__main__":  # pragma: no cover
    app()
