"""A gateway process for the crash test: `python gateway_child.py CONFIG BASE_DIR SETTINGS_JSON`.

Serves create_app(...) with uvicorn on a free port (printed as `PORT n`) and the given
recording settings, until killed.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import uvicorn

from vgateway.api.app import create_app
from vgateway.auth.settings import AuthSettings
from vgateway.config import load_config
from vgateway.recording import RecordingSettings


def main() -> None:
    config_path, base_dir, settings_json = sys.argv[1:4]
    app = create_app(load_config(Path(config_path)), base_dir=Path(base_dir))
    app.state.recording_settings = RecordingSettings.model_validate_json(settings_json)
    app.state.auth_settings = AuthSettings(enabled=False)  # access control is auth's test
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    print(f"PORT {sock.getsockname()[1]}", flush=True)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    server.run(sockets=[sock])


if __name__ == "__main__":
    main()
