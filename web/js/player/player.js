// Plays one camera stream into one <video>, choosing the transport: WebRTC first, MSE when
// WebRTC does not come up or drops, and back to WebRTC once a background attempt plays.
// Offline cameras are retried with backoff; kick() retries at once (camera came back).
//
// Status ('status' event, also in .status): phase connecting | playing | waiting | retry |
// notfound | unsupported, with transport ('webrtc'|'mse'), codec, retryInMs, error.

import { MseSession } from './mse.js';
import { WhepSession } from './whep.js';

export class Player extends EventTarget {
  constructor(video, { cameraId, role, settings }) {
    super();
    this.video = video;
    this.cameraId = cameraId;
    this.role = role;
    this.settings = settings;
    this.timing = settings.timing;
    this.token = 0; // bumped by stop(): an older run loop sees it and exits
    this.running = false;
    this.current = null;
    this.opening = null;
    this.probeTimer = null;
    this.wake = null;
    this.backoff = this.timing.backoffMinMs;
    this.webrtcFailedAt = null;
    this.status = { phase: 'connecting', transport: null };
  }

  get mode() {
    return this.settings.transport;
  }

  start() {
    if (this.running) return;
    this.running = true;
    this.token += 1;
    this.run(this.token);
  }

  stop() {
    this.running = false;
    this.token += 1;
    this.cancelProbe();
    const current = this.current;
    this.current = null;
    current?.close();
    this.opening?.close();
    this.wake?.();
  }

  /** Retry now (the camera came back): skip the pending backoff. */
  kick() {
    this.backoff = this.timing.backoffMinMs;
    if (!this.current) this.wake?.();
  }

  /** Reconnect (stalled picture, new role or transport): the run loop opens a new session. */
  restart() {
    this.cancelProbe();
    this.backoff = this.timing.backoffMinMs;
    if (this.mode !== 'mse') this.webrtcFailedAt = null;
    if (this.current) this.current.close();
    else this.wake?.();
  }

  setRole(role) {
    if (role === this.role) return;
    this.role = role;
    this.restart();
  }

  pickTransport() {
    if (this.mode === 'webrtc' || this.mode === 'mse') return this.mode;
    if (typeof RTCPeerConnection === 'undefined') return 'mse';
    const recent = this.webrtcFailedAt !== null && Date.now() - this.webrtcFailedAt < this.timing.webrtcRetryMs;
    return recent ? 'mse' : 'webrtc';
  }

  session(kind) {
    const path = `/api/live/${encodeURIComponent(this.cameraId)}/${this.role}`;
    if (kind === 'webrtc') return new WhepSession(`${path}/whep`, this.timing);
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    const url = `${scheme}://${window.location.host}${path}/mse`;
    return new MseSession(url, this.timing, (phase) => this.setStatus({ phase, transport: 'mse' }));
  }

  async run(token) {
    while (token === this.token) {
      const kind = this.pickTransport();
      this.setStatus({ phase: 'connecting', transport: kind });
      const session = this.session(kind);
      let error = null;
      let played = false;
      this.opening = session;
      const openedAt = Date.now();
      try {
        await session.open(this.video);
        played = true;
      } catch (failure) {
        error = failure;
      }
      this.opening = null;
      if (token !== this.token) {
        session.close();
        return;
      }
      if (played) {
        this.current = session;
        this.backoff = this.timing.backoffMinMs;
        if (this.status.phase !== 'waiting') this.setStatus({ phase: 'playing', transport: kind });
        if (kind === 'mse' && this.mode === 'auto') this.scheduleProbe(token);
        error = await this.untilEnded(session);
        this.cancelProbe();
        if (token !== this.token) return;
        this.current?.close();
        this.current = null;
        // no picture any more: never report 'playing' while the next session comes up
        this.setStatus({ phase: 'connecting', transport: this.status.transport });
      } else {
        session.close();
      }
      const failedKind = this.status.transport;
      if (error?.kind === 'unsupported') {
        this.setStatus({ phase: 'unsupported', transport: failedKind, codec: error.codec, error });
        await this.sleep(token, 60000); // the camera may be reconfigured; kick() retries sooner
      } else if (failedKind === 'webrtc' && this.mode === 'auto' && error && !['offline', 'notfound'].includes(error.kind)) {
        this.webrtcFailedAt = Date.now(); // next round goes to MSE at once
      } else if (played && Date.now() - openedAt > 5000) {
        await this.sleep(token, 250); // dropped after playing a while: reconnect straight away
      } else {
        const phase = error?.kind === 'notfound' ? 'notfound' : 'retry';
        this.setStatus({ phase, transport: kind, retryInMs: this.backoff, error });
        await this.sleep(token, this.backoff);
        this.backoff = Math.min(this.backoff * 2, this.timing.backoffMaxMs);
      }
    }
  }

  /** Wait for the playing session to end, following swaps to a WebRTC probe. */
  async untilEnded(first) {
    let session = first;
    for (;;) {
      const error = await session.ended;
      if (this.current && this.current !== session) {
        session = this.current;
        continue;
      }
      return error;
    }
  }

  scheduleProbe(token) {
    this.cancelProbe();
    this.probeTimer = setTimeout(() => this.probe(token), this.timing.webrtcRetryMs);
  }

  cancelProbe() {
    clearTimeout(this.probeTimer);
    this.probeTimer = null;
  }

  /** Try WebRTC beside the running MSE session; switch only once it shows a picture. */
  async probe(token) {
    const shadow = document.createElement('video');
    shadow.muted = true;
    shadow.playsInline = true;
    const session = this.session('webrtc');
    try {
      await session.open(shadow);
    } catch {
      session.close();
      if (token === this.token && this.current?.kind === 'mse') this.scheduleProbe(token);
      return;
    }
    const old = this.current;
    if (token !== this.token || !old || old.kind !== 'mse' || this.mode !== 'auto') {
      session.close();
      return;
    }
    this.webrtcFailedAt = null;
    this.current = session;
    old.close();
    session.attach(this.video);
    this.setStatus({ phase: 'playing', transport: 'webrtc' });
  }

  sleep(token, ms) {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wake === done) this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
      if (token !== this.token) done();
    });
  }

  setStatus(status) {
    this.status = { codec: null, retryInMs: null, error: null, ...status, at: Date.now() };
    this.dispatchEvent(new Event('status'));
  }
}
