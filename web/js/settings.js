// Player settings: the transport choice (URL query > saved choice > auto) and the timing knobs.
// Timings can be overridden in the URL (seconds) so operators and tests can tune them.

export const TRANSPORTS = ['auto', 'webrtc', 'mse'];
const STORAGE_KEY = 'vgw.transport';

const DEFAULTS = {
  webrtcTimeoutMs: 4000, // no answer or ICE not connected by then: fall back to MSE
  firstFrameTimeoutMs: 8000, // connected but no picture (up to one GOP): fall back too
  disconnectGraceMs: 3000, // a 'disconnected' peer connection gets this long to come back
  webrtcRetryMs: 30000, // while on MSE, try WebRTC again in the background this often
  mseOpenTimeoutMs: 10000,
  stallMs: 2000, // currentTime not advancing for longer: the tile shows STALLED
  restartStalledMs: 8000, // stalled this long while the camera is online: restart the player
  backoffMinMs: 1000,
  backoffMaxMs: 10000,
  pollMs: 3000, // camera list refresh
};

const QUERY_KEYS = {
  webrtc_timeout: 'webrtcTimeoutMs',
  first_frame_timeout: 'firstFrameTimeoutMs',
  webrtc_retry: 'webrtcRetryMs',
  poll: 'pollMs',
  stall: 'stallMs',
};

export class Settings extends EventTarget {
  constructor(location = window.location, storage = window.localStorage) {
    super();
    this.storage = storage;
    this.query = new URLSearchParams(location.search);
    this.timing = { ...DEFAULTS };
    for (const [param, field] of Object.entries(QUERY_KEYS)) {
      const seconds = Number.parseFloat(this.query.get(param) ?? '');
      if (Number.isFinite(seconds) && seconds > 0) this.timing[field] = seconds * 1000;
    }
  }

  /** The transport forced by the URL (?transport=webrtc|mse|auto), if any. */
  get urlTransport() {
    const value = this.query.get('transport');
    return TRANSPORTS.includes(value) ? value : null;
  }

  get transport() {
    const saved = this.storage.getItem(STORAGE_KEY);
    return this.urlTransport ?? (TRANSPORTS.includes(saved) ? saved : 'auto');
  }

  setTransport(mode) {
    if (!TRANSPORTS.includes(mode)) return;
    this.storage.setItem(STORAGE_KEY, mode);
    if (this.urlTransport !== null) {
      // an explicit choice in the menu replaces the URL's, or it would silently keep winning
      this.query.delete('transport');
      const search = this.query.toString();
      history.replaceState(null, '', `${location.pathname}${search ? `?${search}` : ''}`);
    }
    this.dispatchEvent(new Event('change'));
  }
}
