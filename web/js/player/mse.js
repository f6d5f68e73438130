// One MSE viewing session: fMP4 over a WebSocket into a SourceBuffer, kept near the live
// edge (seek when more than LIVE_MAX_S behind, trim what has been played).

import { PlayError, withTimeout } from './errors.js';

const LIVE_MAX_S = 1.0;
const LIVE_TARGET_S = 0.2; // how far behind the buffered end a catch-up seek lands
const KEEP_BEHIND_S = 5; // played media kept for small backward jitter
const TRIM_EVERY_S = 10;

export class MseSession {
  constructor(url, timing, onStatus) {
    this.kind = 'mse';
    this.url = url;
    this.timing = timing;
    this.onStatus = onStatus;
    this.closed = false;
    this.video = null;
    this.ws = null;
    this.source = null;
    this.objectUrl = null;
    this.buffer = null;
    this.queue = [];
    this.bytes = 0;
    this.codec = null;
    this.playing = false;
    this.ended = new Promise((resolve) => {
      this.resolveEnded = resolve;
    });
  }

  /** Resolves once pictures play, or once the relay says the camera has no picture yet. */
  open(video) {
    this.video = video;
    const opened = new Promise((resolve, reject) => {
      this.resolveOpen = resolve;
      this.rejectOpen = reject;
    });
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.binaryType = 'arraybuffer';
    ws.onmessage = (event) => {
      if (typeof event.data === 'string') this.onText(event.data);
      else this.onData(event.data);
    };
    ws.onclose = (event) => this.fail(closeError(event, this.codec));
    ws.onerror = () => {}; // onclose follows with the reason
    return withTimeout(opened, this.timing.mseOpenTimeoutMs, 'MSE stream');
  }

  onText(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (message.type === 'init') this.onInit(message);
    else if (message.type === 'reset') this.detach();
    else if (message.type === 'waiting') {
      this.onStatus?.('waiting');
      this.resolveOpen?.();
    } else if (message.type === 'error') {
      const kind = message.error === 'codec_not_supported' ? 'unsupported' : 'failed';
      this.codec = message.codec ?? this.codec;
      this.fail(new PlayError(kind, message.detail ?? message.error, { codec: this.codec }));
    }
  }

  onInit(message) {
    this.codec = message.codec ?? this.codec;
    if (!window.MediaSource || !MediaSource.isTypeSupported(message.mime)) {
      this.fail(new PlayError('unsupported', `browser cannot play ${message.mime}`, { codec: this.codec }));
      return;
    }
    // a new init always starts a fresh MediaSource: timestamps may restart after a reset
    this.detach();
    const source = new MediaSource();
    this.source = source;
    this.objectUrl = URL.createObjectURL(source);
    this.video.src = this.objectUrl;
    source.addEventListener('sourceopen', () => {
      if (this.source !== source || this.closed) return;
      try {
        this.buffer = source.addSourceBuffer(message.mime);
      } catch (error) {
        this.fail(new PlayError('unsupported', String(error), { codec: this.codec }));
        return;
      }
      this.buffer.mode = 'segments';
      this.buffer.addEventListener('updateend', () => this.pump());
      this.pump();
    }, { once: true });
  }

  onData(data) {
    this.bytes += data.byteLength;
    if (!this.source) return; // data before any init cannot be decoded
    this.queue.push(data);
    this.pump();
  }

  pump() {
    const { buffer, video } = this;
    if (!buffer || buffer.updating || this.closed || this.source?.readyState !== 'open') return;
    this.keepLive();
    const ranges = video.buffered;
    if (ranges.length && video.currentTime - ranges.start(0) > KEEP_BEHIND_S + TRIM_EVERY_S) {
      buffer.remove(0, video.currentTime - KEEP_BEHIND_S);
      return; // updateend pumps again
    }
    const next = this.queue.shift();
    if (!next) return;
    try {
      buffer.appendBuffer(next);
    } catch (error) {
      this.fail(new PlayError('failed', `append: ${error}`));
    }
  }

  keepLive() {
    const { video } = this;
    const ranges = video.buffered;
    if (ranges.length === 0) return;
    const end = ranges.end(ranges.length - 1);
    const start = ranges.start(ranges.length - 1);
    if (video.currentTime < start || end - video.currentTime > LIVE_MAX_S) {
      video.currentTime = Math.max(start, end - LIVE_TARGET_S);
    }
    if (!this.playing && video.readyState >= 2) {
      this.playing = true;
      this.onStatus?.('playing');
      this.resolveOpen?.();
    }
    if (video.paused) video.play().catch(() => {});
  }

  /** Drop the current MediaSource (on reset and close). */
  detach() {
    this.queue = [];
    this.buffer = null;
    this.source = null;
    this.playing = false;
    if (this.objectUrl) {
      if (this.video?.src === this.objectUrl) {
        this.video.removeAttribute('src');
        this.video.load();
      }
      URL.revokeObjectURL(this.objectUrl);
      this.objectUrl = null;
    }
  }

  fail(error) {
    if (this.closed) return;
    this.rejectOpen?.(error);
    this.resolveEnded(error);
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    if (this.ws) {
      this.ws.onclose = null;
      this.ws.close();
    }
    this.detach();
    this.rejectOpen?.(new PlayError('failed', 'closed'));
    this.resolveEnded(null);
  }
}

function closeError(event, codec) {
  if (event.code === 4415) return new PlayError('unsupported', 'codec not supported', { codec });
  if (event.code === 4404) return new PlayError('notfound', event.reason || 'unknown camera');
  if (event.code === 4503) return new PlayError('offline', event.reason || 'camera offline');
  return new PlayError('failed', `stream closed (${event.code}${event.reason ? ` ${event.reason}` : ''})`);
}
