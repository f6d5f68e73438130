// One WebRTC viewing session through WHEP: receive-only video, non-trickle ICE
// (the offer is POSTed once gathering is done), DELETE of the session resource on close.

import { PlayError, firstFrame, playErrorFrom, withTimeout } from './errors.js';

const GATHER_MAX_MS = 1500; // loopback/LAN host candidates come in milliseconds

export class WhepSession {
  constructor(url, timing) {
    this.kind = 'webrtc';
    this.url = url;
    this.timing = timing;
    this.pc = null;
    this.stream = new MediaStream();
    this.location = null;
    this.closed = false;
    this.video = null;
    this.graceTimer = null;
    this.ended = new Promise((resolve) => {
      this.resolveEnded = resolve;
    });
  }

  /** Connect and play into `video`; resolves once a picture is decoded. */
  async open(video) {
    const pc = new RTCPeerConnection({ iceServers: [] });
    this.pc = pc;
    pc.addTransceiver('video', { direction: 'recvonly' });
    pc.ontrack = (event) => this.stream.addTrack(event.track);
    const budget = this.timing.webrtcTimeoutMs;
    const started = performance.now();
    const left = () => Math.max(1, budget - (performance.now() - started));

    await pc.setLocalDescription(await pc.createOffer());
    await Promise.race([gathered(pc), sleep(Math.min(GATHER_MAX_MS, left()))]);
    const abort = new AbortController();
    const response = await withTimeout(
      fetch(this.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/sdp' },
        body: pc.localDescription.sdp,
        signal: abort.signal,
      }),
      left(),
      'WHEP answer',
    ).catch((error) => {
      abort.abort();
      throw error instanceof PlayError ? error : new PlayError('failed', String(error));
    });
    if (response.status !== 201 && response.status !== 200) throw await playErrorFrom(response);
    const location = response.headers.get('Location');
    if (location) this.location = new URL(location, new URL(this.url, window.location.href)).href;
    const answer = await response.text();
    if (this.closed) throw new PlayError('failed', 'closed');
    await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    await withTimeout(connected(pc), left(), 'ICE connection');
    this.watch(pc);
    this.attach(video);
    await withTimeout(
      firstFrame(video, () => this.closed),
      this.timing.firstFrameTimeoutMs,
      'first WebRTC picture',
    );
  }

  /** Show the received stream in `video` (moves it there when already playing elsewhere). */
  attach(video) {
    if (this.video && this.video !== video && this.video.srcObject === this.stream) {
      this.video.srcObject = null;
    }
    this.video = video;
    video.srcObject = this.stream;
    video.play().catch(() => {});
  }

  watch(pc) {
    pc.addEventListener('connectionstatechange', () => {
      const state = pc.connectionState;
      if (state === 'failed' || state === 'closed') {
        this.fail(new PlayError('failed', `WebRTC connection ${state}`));
      } else if (state === 'disconnected' && this.graceTimer === null) {
        // ICE often recovers from a short 'disconnected' by itself
        this.graceTimer = setTimeout(
          () => this.fail(new PlayError('failed', 'WebRTC connection lost')),
          this.timing.disconnectGraceMs,
        );
      } else if (state === 'connected') {
        clearTimeout(this.graceTimer);
        this.graceTimer = null;
      }
    });
  }

  fail(error) {
    if (!this.closed) this.resolveEnded(error);
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.graceTimer);
    this.pc?.close();
    if (this.video && this.video.srcObject === this.stream) this.video.srcObject = null;
    if (this.location) {
      fetch(this.location, { method: 'DELETE', keepalive: true }).catch(() => {});
    }
    this.resolveEnded(null);
  }
}

function gathered(pc) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') resolve();
    });
  });
}

function connected(pc) {
  return new Promise((resolve, reject) => {
    const check = () => {
      const state = pc.connectionState;
      if (state === 'connected') resolve();
      else if (state === 'failed' || state === 'closed') {
        reject(new PlayError('failed', `WebRTC connection ${state}`));
      }
    };
    pc.addEventListener('connectionstatechange', check);
    check();
  });
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
