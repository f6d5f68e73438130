"""The `vgateway` command line: run the gateway, run the camera simulator, check config."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

from vgateway.logs import configure_logging

app = typer.Typer(
    help="vgateway — 视频监控接入网关: RTSP ingest, live relay, detection and evidence.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
log = logging.getLogger("vgateway")

ConfigOption = Annotated[
    Path,
    typer.Option(
        "--config",
        "-c",
        help="Camera network YAML (see camera_configs/README.md).",
        exists=False,
        dir_okay=False,
    ),
]
SecretsOption = Annotated[
    Path | None,
    typer.Option(
        "--secrets", help="KEY=value file whose values fill ${KEY} in the config (passwords)."
    ),
]


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


@app.command()
def run(
    config: ConfigOption = Path("camera_configs/demo.yaml"),
    secrets: SecretsOption = None,
    host: Annotated[str | None, typer.Option(help="Listen address (default: from config).")] = None,
    port: Annotated[int | None, typer.Option(help="HTTP port (default: from config).")] = None,
    simulate: Annotated[
        bool,
        typer.Option(
            "--simulate/--no-simulate",
            help="Also start the camera simulator serving every camera of the config "
            "on 127.0.0.1:8554 (for the demo network).",
        ),
    ] = False,
    log_level: Annotated[
        str | None, typer.Option(help="DEBUG, INFO, WARNING or ERROR (default: from config).")
    ] = None,
) -> None:
    """Run the gateway: ingest every camera, serve the API and UI (OpenAPI at /docs)."""
    import uvicorn

    from vgateway.api.app import create_app
    from vgateway.config import ConfigError, load_config

    try:
        network = load_config(config, secrets_file=secrets)
    except ConfigError as exc:
        _fail(f"invalid configuration:\n{exc}")
        return
    configure_logging(log_level or network.gateway.log_level)
    simulator = None
    if simulate:
        from vgateway.simulator.client import SimulatorProcess

        simulator = SimulatorProcess(cameras=len(network.cameras), port=8554, control_port=8555)
        log.info("starting the camera simulator (%d cameras)", len(network.cameras))
        simulator.start(timeout=120)
    try:
        uvicorn.run(
            create_app(network, base_dir=Path.cwd()),
            host=host or network.gateway.host,
            port=port or network.gateway.port,
            log_config=None,
        )
    finally:
        if simulator is not None:
            simulator.stop()


@app.command()
def simulate(
    cameras: Annotated[int, typer.Option(min=1, max=512, help="Number of cameras.")] = 119,
    port: Annotated[int, typer.Option(help="RTSP port cameras are served on.")] = 8554,
    control_port: Annotated[int, typer.Option(help="HTTP port of the fault-control API.")] = 8555,
    media_dir: Annotated[
        Path | None,
        typer.Option(
            help="Folder of H.264 clips to loop (default ../shared/media/videos; "
            "a generated pattern when absent)."
        ),
    ] = None,
    codec: Annotated[
        list[str] | None,
        typer.Option(help="Per-camera codec override, e.g. --codec cam005=h265 (h264|h265|mpeg4)."),
    ] = None,
    sub_gop: Annotated[
        float,
        typer.Option(
            help="Keyframe interval of the sub streams in seconds: their clip is re-encoded once "
            "at start, as a camera set to that I-frame interval (0: the clip as shot, 2 s)."
        ),
    ] = 0.0,
    out_of_step: Annotated[
        bool,
        typer.Option(
            help="Start each camera's clip at its own keyframe, as real cameras are not in step "
            "(default: every camera shows the same moment)."
        ),
    ] = False,
) -> None:
    """Serve N simulated RTSP cameras (rtsp://127.0.0.1:PORT/camNNN/{main,sub}).

    Faults are injected through the control API: PUT /cameras/{id}/fault with
    {"mode": "ok|down|stall|garble|truncate|hangup_describe|garbage"}.
    """
    from vgateway.simulator.gst_child import SimulatorError
    from vgateway.simulator.runner import SimulatorOptions, default_media_dir, run_simulator

    configure_logging("INFO")
    codecs: dict[str, str] = {}
    for item in codec or []:
        camera_id, sep, name = item.partition("=")
        if not sep or name not in ("h264", "h265", "mpeg4"):
            _fail(f"--codec {item!r}: expected CAMERA=h264|h265|mpeg4")
        codecs[camera_id] = name
    options = SimulatorOptions(
        cameras=cameras,
        port=port,
        control_port=control_port,
        codecs=codecs,
        media_dir=media_dir if media_dir is not None else default_media_dir(),
        sub_gop_s=sub_gop,
        out_of_step=out_of_step,
    )
    try:
        run_simulator(options)
    except SimulatorError as exc:
        _fail(str(exc))


@app.command("check-config")
def check_config(
    paths: Annotated[list[Path], typer.Argument(help="Config files to validate.")],
    secrets: SecretsOption = None,
) -> None:
    """Validate config files; list every error (file:line: field: message), exit 1 if any."""
    from vgateway.config import load_config
    from vgateway.config.check import check_config as collect
    from vgateway.config.check import summarize

    issues = collect(paths, secrets_file=secrets)
    if issues:
        for issue in issues:
            typer.echo(str(issue), err=True)
        typer.echo(f"{len(issues)} error(s)", err=True)
        raise typer.Exit(1)
    for path in paths:
        typer.echo(f"{path}: OK")
        typer.echo(summarize(load_config(path, secrets_file=secrets)))


@app.command()
def verify(
    clip: Annotated[Path, typer.Argument(help="The clip file (MP4).")],
    manifest: Annotated[Path, typer.Argument(help="Its manifest (CLIP_ID.manifest.json).")],
    public_key: Annotated[
        Path | None,
        typer.Option(help="Gateway public key PEM (default: gateway_ed25519.pub.pem beside it)."),
    ] = None,
    signature: Annotated[
        Path | None,
        typer.Option(help="Detached signature (default: the manifest's .sig beside it)."),
    ] = None,
) -> None:
    """Check a clip against its signed manifest offline: exit 0 if all matches, else 1.

    Checks the Ed25519 signature over the manifest, then the clip's size, then its SHA-256,
    and reports the first thing that does not match.
    """
    from vgateway.evidence import verify_clip

    result = verify_clip(clip, manifest, public_key=public_key, signature=signature)
    for line in result.checks:
        typer.echo(f"ok: {line}")
    if not result.ok:
        typer.echo(f"FAILED: {result.problem}", err=True)
        raise typer.Exit(1)
    typer.echo(f"VERIFIED: {clip.name} matches its signed manifest")


def _add_access_commands() -> None:
    """`vgateway users|tokens|shares|audit` (typer sub-apps of the auth feature)."""
    from vgateway.audit.cli import audit_app
    from vgateway.auth.cli import shares_app, tokens_app, users_app

    app.add_typer(users_app, name="users")
    app.add_typer(tokens_app, name="tokens")
    app.add_typer(shares_app, name="shares")
    app.add_typer(audit_app, name="audit")


_add_access_commands()


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
