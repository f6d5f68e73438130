"""WebRTC viewers through the real parts: simulator camera, gateway, aiortc as the browser."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time

import httpx
import pytest
from aiortc import RTCPeerConnection, RTCRtpReceiver, RTCSessionDescription

from tests.fixtures.waiting import wait_for
from tests.relay.conftest import LOOPBACK_ICE, LiveServer, drained, hub_subscribers
from vgateway.relay.client import WhepError, WhepViewer
from vgateway.relay.ice import pin_host_addresses
from vgateway.relay.webrtc import WebRtcSession

pytestmark = pytest.mark.rtsp


async def test_viewer_gets_camera_frames_at_once(shared_live: LiveServer) -> None:
    async with httpx.AsyncClient(timeout=15) as http:
        started = time.monotonic()
        viewer = await WhepViewer.connect(
            http, shared_live.url("/api/live/cam001/sub/whep"), LOOPBACK_ICE
        )
        frame = await asyncio.wait_for(viewer.track.recv(), 10)
        first_frame_s = time.monotonic() - started
        answer = viewer.pc.remoteDescription.sdp
        assert "H264/90000" in answer and "packetization-mode=1" in answer
        assert "VP8" not in answer  # a passthrough sender cannot encode anything
        assert "a=candidate:" in answer and "127.0.0.1" in answer  # non-trickle, loopback
        assert (frame.width, frame.height) == (640, 352)
        pts = [frame.pts]
        for _ in range(10):
            frame = await asyncio.wait_for(viewer.track.recv(), 5)
            pts.append(frame.pts)
        assert frame.to_ndarray(format="gray").std() > 10  # a real picture, not a blank one
        assert pts == sorted(pts) and len(set(pts)) == len(pts)
        stats = (await http.get(shared_live.url("/api/live/cam001/sub/stats"))).json()
        assert stats["viewers"] == {"webrtc": 1, "mse": 0, "total": 1}
        assert stats["sessions"][0]["transport"] == "webrtc"
        assert stats["sessions"][0]["packets_sent"] >= 11
        listed = (await http.get(shared_live.url("/api/live/stats"))).json()
        assert [s["session_id"] for s in listed] == [viewer.session_id]
        assert await viewer.hangup(http) == 204
        assert (await http.delete(viewer.session_url)).status_code == 404
    # The cached GOP is sent at once: the first picture needs no wait for the next keyframe
    # (the simulator's GOP is 2 s). Generous bound: two cores shared with other test runs.
    print(f"first frame {first_frame_s * 1000:.0f} ms after the offer")
    assert first_frame_s < 1.5
    wait_for(lambda: drained(shared_live), 5, "the session to be cleaned up")


async def test_twenty_viewers_share_one_upstream_session(shared_live: LiveServer) -> None:
    sim = shared_live.simulator
    url = shared_live.url("/api/live/cam003/main/whep")
    tasks_before = shared_live.tasks()
    async with httpx.AsyncClient(timeout=30) as http:
        viewers = list(
            await asyncio.gather(*(WhepViewer.connect(http, url, LOOPBACK_ICE) for _ in range(20)))
        )
        frames = await asyncio.gather(*(asyncio.wait_for(v.track.recv(), 15) for v in viewers))
        assert all(f.width > 0 for f in frames)
        assert sim.sessions("cam003", "main") == 1
        sessions = [shared_live.relay.registry.get(v.session_id) for v in viewers]
        assert all(isinstance(s, WebRtcSession) for s in sessions)
        assert hub_subscribers(shared_live, "cam003", "main") == 20
        await asyncio.gather(*(v.hangup(http) for v in viewers))
    wait_for(lambda: drained(shared_live), 10, "all sessions to be cleaned up")
    assert all(s.track.subscription.closed for s in sessions if isinstance(s, WebRtcSession))
    assert hub_subscribers(shared_live, "cam003", "main") == 0
    wait_for(lambda: shared_live.tasks() <= tasks_before, 10, "no task left behind")


async def test_b_frame_stream_is_sent_to_the_fallback(shared_live: LiveServer) -> None:
    """Chromium's WebRTC decoder shows about one frame a second of a stream with B-frames."""
    async with httpx.AsyncClient(timeout=15) as http:
        with pytest.raises(WhepError) as refused:
            await WhepViewer.connect(
                http, shared_live.url("/api/live/cam001/main/whep"), LOOPBACK_ICE
            )
    assert refused.value.status == 422  # not 415: players fall back to MSE, which plays it
    body = json.loads(refused.value.body)
    assert body["error"] == "webrtc_not_supported" and "B-frames" in body["detail"]
    wait_for(lambda: drained(shared_live), 5, "nothing left behind")
    wait_for(lambda: hub_subscribers(shared_live, "cam001", "main") == 0, 5, "no subscriber")


async def test_peer_that_closes_without_delete_is_cleaned_up(shared_live: LiveServer) -> None:
    async with httpx.AsyncClient(timeout=15) as http:
        viewer = await WhepViewer.connect(
            http, shared_live.url("/api/live/cam001/sub/whep"), LOOPBACK_ICE
        )
        await asyncio.wait_for(viewer.track.recv(), 10)
        session = shared_live.relay.registry.get(viewer.session_id)
        assert isinstance(session, WebRtcSession)
        await viewer.hangup()  # the browser tab goes away: DTLS close, no DELETE
    wait_for(lambda: drained(shared_live), 10, "the session to notice the peer left")
    assert session.track.subscription.closed


async def test_peer_that_never_connects_is_dropped(shared_live: LiveServer) -> None:
    relay = shared_live.relay
    relay.settings = relay.settings.model_copy(update={"connect_timeout_s": 1.0})
    try:
        pc = RTCPeerConnection()
        pc.addTransceiver("video", direction="recvonly")
        await pc.setLocalDescription(await pc.createOffer())
        await pc.close()  # gone before the answer arrives: nobody will ever answer ICE checks
        async with httpx.AsyncClient(timeout=15) as http:
            response = await http.post(
                shared_live.url("/api/live/cam001/sub/whep"),
                content=pc.localDescription.sdp,
                headers={"Content-Type": "application/sdp"},
            )
        assert response.status_code == 201
        assert len(relay.registry) == 1
        wait_for(lambda: drained(shared_live), 10, "the unconnected session to be dropped")
    finally:
        relay.settings = relay.settings.model_copy(update={"connect_timeout_s": 20.0})


async def test_offer_with_audio_gets_video_only(shared_live: LiveServer) -> None:
    """Generic WHEP players offer audio too: the answer declines it and video flows."""
    pc = RTCPeerConnection()
    pc.addTransceiver("audio", direction="recvonly")
    video = pc.addTransceiver("video", direction="recvonly")
    pin_host_addresses(pc, ["127.0.0.1"])
    await pc.setLocalDescription(await pc.createOffer())
    async with httpx.AsyncClient(timeout=15) as http:
        response = await http.post(
            shared_live.url("/api/live/cam001/sub/whep"),
            content=pc.localDescription.sdp,
            headers={"Content-Type": "application/sdp"},
        )
        assert response.status_code == 201, response.text
        await pc.setRemoteDescription(RTCSessionDescription(response.text, "answer"))
        frame = await asyncio.wait_for(video.receiver.track.recv(), 10)
        assert frame.width == 640
        audio_section = response.text.split("m=audio")[1].split("m=video")[0]
        assert "a=inactive" in audio_section
        await http.delete(shared_live.url(response.headers["location"]))
    await pc.close()
    wait_for(lambda: drained(shared_live), 5, "nothing left behind")


async def test_signalling_errors(shared_live: LiveServer) -> None:
    async with httpx.AsyncClient(timeout=15) as http:
        unknown = await http.post(
            shared_live.url("/api/live/nosuchcam/sub/whep"), content="v=0\r\n"
        )
        assert unknown.status_code == 404 and unknown.json()["error"] == "not_found"
        bad_role = await http.post(
            shared_live.url("/api/live/cam001/third/whep"), content="v=0\r\n"
        )
        assert bad_role.status_code == 404
        garbage = await http.post(
            shared_live.url("/api/live/cam001/sub/whep"), content="this is not SDP"
        )
        assert garbage.status_code == 400 and garbage.json()["error"] == "bad_offer"
        assert (await http.delete(shared_live.url("/api/live/sessions/nope"))).status_code == 404
        patch = await http.patch(shared_live.url("/api/live/sessions/nope"), content="a=x")
        assert patch.status_code == 405
    assert drained(shared_live)


async def test_offer_without_h264_is_refused(shared_live: LiveServer) -> None:
    pc = RTCPeerConnection()
    transceiver = pc.addTransceiver("video", direction="recvonly")
    codecs = RTCRtpReceiver.getCapabilities("video").codecs
    transceiver.setCodecPreferences([c for c in codecs if c.mimeType == "video/VP8"])
    await pc.setLocalDescription(await pc.createOffer())
    await pc.close()
    async with httpx.AsyncClient(timeout=15) as http:
        response = await http.post(
            shared_live.url("/api/live/cam001/sub/whep"), content=pc.localDescription.sdp
        )
    assert response.status_code == 400
    assert "H.264 with packetization-mode=1" in response.json()["detail"]
    assert drained(shared_live)


VIEWER_SCRIPT = """
import asyncio, sys, httpx
from vgateway.relay.client import WhepError, WhepViewer
from vgateway.relay.ice import pin_host_addresses
from vgateway.relay.settings import IceSettings

async def main():
    async with httpx.AsyncClient(timeout=15) as http:
        ice = IceSettings(host_addresses=["127.0.0.1"])
        viewer = await WhepViewer.connect(http, sys.argv[1], ice)
        await viewer.track.recv()
        print(viewer.session_id, flush=True)
        await asyncio.sleep(60)

asyncio.run(main())
"""


def test_viewer_process_killed_is_noticed_in_seconds(shared_live: LiveServer) -> None:
    """A crashed browser sends neither DELETE nor DTLS close: its silence ends the session."""
    url = shared_live.url("/api/live/cam001/sub/whep")
    viewer = subprocess.Popen(
        [sys.executable, "-c", VIEWER_SCRIPT, url], stdout=subprocess.PIPE, text=True
    )
    try:
        assert viewer.stdout is not None
        session_id = viewer.stdout.readline().strip()
        assert shared_live.relay.registry.get(session_id) is not None
    finally:
        viewer.kill()
        viewer.wait(10)
    killed_at = time.monotonic()
    wait_for(lambda: drained(shared_live), 20, "the silent viewer to be dropped")
    print(f"dropped {time.monotonic() - killed_at:.1f} s after the viewer died")
