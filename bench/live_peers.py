"""The processes bench/live.py starts: the gateway under test, and a crowd of viewers.

    python bench/live_peers.py gateway --config network.yaml --port 8123 [--workers 2]
    python bench/live_peers.py viewers --base http://127.0.0.1:8123 --camera street \
        --transport webrtc|mse --count 50

The viewer process connects every viewer, prints `ready <connected>`, keeps them watching until
a line arrives on stdin, prints `received <frames> <bytes>`, hangs up and exits. WebRTC viewers
are aiortc peers with decoding switched off (this process is load, not a measurement), so they
cost the machine little beyond receiving; WebSocket viewers read and count the fragments.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

import httpx

from vgateway.relay.settings import IceSettings

LOOPBACK = IceSettings(host_addresses=["127.0.0.1"])


def run_gateway(config: Path, port: int, workers: int = 0) -> None:
    import uvicorn

    from vgateway.api.app import create_app
    from vgateway.auth.settings import AuthSettings
    from vgateway.config import load_config
    from vgateway.relay.settings import RelaySettings

    app = create_app(load_config(config), base_dir=config.parent)
    app.state.relay_settings = RelaySettings(ice=LOOPBACK, workers=workers)
    app.state.auth_settings = AuthSettings(enabled=False)  # measure the relay, not sign-in
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", ws="websockets-sansio")


class _NoDecoder:
    def decode(self, _frame: Any) -> list[Any]:
        return []


async def _webrtc_viewers(base: str, camera: str, role: str, count: int) -> None:
    import aiortc.rtcrtpreceiver

    from vgateway.relay.client import WhepViewer

    aiortc.rtcrtpreceiver.get_decoder = lambda _codec: _NoDecoder()  # load only: no decode
    url = f"{base}/api/live/{camera}/{role}/whep"
    async with httpx.AsyncClient(timeout=60) as http:
        viewers: list[WhepViewer] = []
        for start in range(0, count, 10):
            batch = min(10, count - start)
            viewers += await asyncio.gather(
                *(WhepViewer.connect(http, url, LOOPBACK) for _ in range(batch))
            )
        for _ in range(200):
            if all(v.pc.connectionState == "connected" for v in viewers):
                break
            await asyncio.sleep(0.05)
        connected = sum(v.pc.connectionState == "connected" for v in viewers)
        print(f"ready {connected}", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        frames = octets = 0
        for viewer in viewers:
            receiver = viewer.pc.getTransceivers()[0].receiver
            for stats in (await receiver.getStats()).values():
                if stats.type == "inbound-rtp":
                    frames += stats.packetsReceived
                    octets += getattr(stats, "bytesReceived", 0) or 0
        print(f"received {frames} {octets}", flush=True)
        await asyncio.gather(*(v.hangup(http) for v in viewers))


async def _mse_viewers(base: str, camera: str, role: str, count: int) -> None:
    from websockets.asyncio.client import connect

    url = base.replace("http", "ws", 1) + f"/api/live/{camera}/{role}/mse"
    totals = [0, 0]

    async def watch(ready: asyncio.Event, stop: asyncio.Event) -> None:
        async with connect(url, max_size=None) as ws:

            async def read() -> None:
                async for message in ws:
                    if isinstance(message, bytes):
                        totals[0] += 1
                        totals[1] += len(message)
                        ready.set()

            reader = asyncio.create_task(read())
            await stop.wait()
            reader.cancel()

    stop = asyncio.Event()
    readies = [asyncio.Event() for _ in range(count)]
    tasks = [asyncio.create_task(watch(r, stop)) for r in readies]
    await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 60)
    print(f"ready {count}", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    print(f"received {totals[0]} {totals[1]}", flush=True)
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    gateway = sub.add_parser("gateway")
    gateway.add_argument("--config", type=Path, required=True)
    gateway.add_argument("--port", type=int, required=True)
    gateway.add_argument("--workers", type=int, default=0, help="relay worker processes")
    viewers = sub.add_parser("viewers")
    viewers.add_argument("--base", required=True)
    viewers.add_argument("--camera", required=True)
    viewers.add_argument("--role", default="main")
    viewers.add_argument("--transport", choices=["webrtc", "mse"], required=True)
    viewers.add_argument("--count", type=int, required=True)
    args = parser.parse_args()
    if args.command == "gateway":
        run_gateway(args.config, args.port, args.workers)
    elif args.transport == "webrtc":
        asyncio.run(_webrtc_viewers(args.base, args.camera, args.role, args.count))
    else:
        asyncio.run(_mse_viewers(args.base, args.camera, args.role, args.count))
    return 0


if __name__ == "__main__":
    sys.exit(main())
