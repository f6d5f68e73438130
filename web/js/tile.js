// One wall tile: the video, an overlay (name, camera state, LIVE/STALLED, transport), a
// message panel (empty, connecting, offline, codec not supported) and a stats panel.
// The tile watches its picture: currentTime not advancing for stallMs reads as STALLED,
// and a long stall while the camera is online restarts the player.

import { codecLabel } from './i18n.js';
import { playbackUrl, recordThis } from './playback-record.js';
import { toast } from './toast.js';
import { Player } from './player/player.js';
import { StatsSampler, formatBitrate } from './player/stats.js';

const TEMPLATE = `
  <video muted playsinline autoplay disablepictureinpicture></video>
  <div class="tile-msg"><div class="msg-icon"></div><div class="msg-text"></div><div class="msg-sub"></div></div>
  <div class="tile-top">
    <span class="badge"></span><span class="tile-name"></span><span class="tile-state"></span>
    <span class="spacer"></span>
    <span class="chip tile-stream"></span><span class="chip tile-transport"></span>
    <span class="tile-live"><i></i><b></b></span>
  </div>
  <dl class="tile-stats" hidden></dl>
  <div class="tile-actions">
    <button type="button" class="icon-btn btn-record"><svg viewBox="0 0 16 16"><circle cx="8" cy="8" r="4.5"/></svg></button>
    <button type="button" class="icon-btn btn-playback"><svg viewBox="0 0 16 16"><path d="M8 3a5 5 0 1 1-5 5M3 3v3h3M8 5v3l2 2"/></svg></button>
    <button type="button" class="icon-btn btn-stats"><svg viewBox="0 0 16 16"><path d="M2 14h12M4 12V8M8 12V3M12 12V6"/></svg></button>
    <button type="button" class="icon-btn btn-close"><svg viewBox="0 0 16 16"><path d="M4 4l8 8M12 4l-8 8"/></svg></button>
  </div>
  <span class="tile-index"></span>`;

export class Tile {
  constructor(index, { directory, i18n, settings }) {
    this.index = index;
    this.directory = directory;
    this.i18n = i18n;
    this.settings = settings;
    this.cameraId = null;
    this.role = 'sub';
    this.player = null;
    this.suspended = false;
    this.lastProgress = '';
    this.lastAdvance = performance.now();
    this.cameraState = null;
    this.sampler = new StatsSampler();
    this.el = document.createElement('div');
    this.el.className = 'tile';
    this.el.tabIndex = 0;
    this.el.innerHTML = TEMPLATE;
    this.video = this.el.querySelector('video');
    this.statsEl = this.el.querySelector('.tile-stats');
    this.el.querySelector('.btn-stats').addEventListener('click', (event) => {
      event.stopPropagation();
      this.toggleStats();
    });
    this.el.querySelector('.btn-record').addEventListener('click', (event) => {
      event.stopPropagation();
      this.recordThis();
    });
    this.el.querySelector('.btn-playback').addEventListener('click', (event) => {
      event.stopPropagation();
      if (this.cameraId) window.open(playbackUrl(this.cameraId), '_blank');
    });
    this.watchTimer = setInterval(() => this.watch(), 500);
    this.setIndex(index);
    this.render();
  }

  /** "Record this": a work order with the last 30 s of this camera, clipped and held. */
  async recordThis() {
    if (!this.cameraId) return;
    try {
      const result = await recordThis(this.cameraId, { seconds: 30 });
      toast(this.i18n.t('tile.recorded', { ticket: result.ticket_id }));
    } catch (error) {
      toast(this.i18n.t('tile.recordFailed', { error: error.message ?? String(error) }), 'error');
    }
  }

  setIndex(index) {
    this.index = index;
    this.el.dataset.index = String(index);
    this.el.querySelector('.tile-index').textContent = String(index + 1);
  }

  setCamera(cameraId, role) {
    if (cameraId === this.cameraId && this.player) {
      this.setRole(role);
      return;
    }
    this.player?.stop();
    this.player = null;
    this.cameraId = cameraId;
    this.role = role;
    this.cameraState = this.directory.get(cameraId)?.state ?? null;
    this.el.dataset.camera = cameraId ?? '';
    this.lastAdvance = performance.now();
    this.sampler = new StatsSampler();
    if (cameraId) {
      this.player = new Player(this.video, { cameraId, role, settings: this.settings });
      this.player.addEventListener('status', () => this.render());
      if (!this.suspended) this.player.start();
    }
    this.render();
  }

  setRole(role) {
    this.role = role;
    this.player?.setRole(role);
    this.render();
  }

  /** Hidden behind an enlarged tile: stop pulling video until shown again. */
  setSuspended(suspended) {
    if (suspended === this.suspended) return;
    this.suspended = suspended;
    if (!this.player) return;
    if (suspended) this.player.stop();
    else this.player.start();
  }

  /** The camera list refreshed: restyle, and retry at once when the camera came back. */
  onDirectory() {
    const state = this.directory.get(this.cameraId)?.state ?? null;
    if (state === 'online' && this.cameraState !== 'online') {
      // back: a session that sat through the outage may hold a dead picture, so start afresh
      if (this.stalled) this.player?.restart();
      else this.player?.kick();
    }
    this.cameraState = state;
    this.render();
  }

  get phase() {
    return this.player?.status.phase ?? 'empty';
  }

  /** Has currentTime stood still for longer than stallMs? */
  get stalled() {
    return performance.now() - this.lastAdvance > this.settings.timing.stallMs;
  }

  /** Is the picture moving? (currentTime advanced within stallMs and the camera is online) */
  get live() {
    return this.phase === 'playing' && !this.stalled && this.cameraState === 'online';
  }

  watch() {
    if (!this.player || this.suspended) return;
    const now = performance.now();
    const progress = this.progress();
    if (progress !== this.lastProgress) {
      this.lastProgress = progress;
      this.lastAdvance = now;
    } else if (
      this.phase === 'playing' &&
      this.cameraState === 'online' &&
      now - this.lastAdvance > this.settings.timing.restartStalledMs
    ) {
      this.lastAdvance = now; // give the new session its own grace period
      this.player.restart();
    }
    if (`${this.live}/${this.stalled}` !== this.shown) this.render();
    if (!this.statsEl.hidden) this.renderStats();
  }

  /** Playback progress: frames shown where the browser counts them, else currentTime. A
   *  WebRTC stream's currentTime runs on with the clock when no frame arrives; frames do not. */
  progress() {
    const frames = this.video.getVideoPlaybackQuality?.().totalVideoFrames;
    return frames === undefined ? String(this.video.currentTime) : String(frames);
  }

  toggleStats() {
    this.statsEl.hidden = !this.statsEl.hidden;
    this.el.classList.toggle('stats-open', !this.statsEl.hidden);
    if (!this.statsEl.hidden) this.renderStats();
  }

  async renderStats() {
    const { i18n } = this;
    const stats = await this.sampler.sample(this.player?.current ?? null, this.video).catch(() => null);
    const rows = [
      [i18n.t('stats.transport'), stats?.transport ?? '—'],
      [i18n.t('stats.bitrate'), formatBitrate(stats?.bitrateBps)],
      [i18n.t('stats.fps'), stats?.fps === null || stats?.fps === undefined ? '—' : stats.fps.toFixed(1)],
      [i18n.t('stats.latency'), stats?.latencyMs === null || stats?.latencyMs === undefined ? '—' : `${Math.round(stats.latencyMs)} ms`],
      [i18n.t('stats.resolution'), stats?.width ? `${stats.width}×${stats.height}` : '—'],
      [i18n.t('stats.dropped'), String(stats?.dropped ?? '—')],
    ];
    this.statsEl.replaceChildren(
      ...rows.flatMap(([label, value]) => {
        const dt = document.createElement('dt');
        const dd = document.createElement('dd');
        dt.textContent = label;
        dd.textContent = value;
        return [dt, dd];
      }),
    );
  }

  renderLive() {
    const live = this.live;
    this.shown = `${live}/${this.stalled}`;
    const el = this.el.querySelector('.tile-live');
    const stalled = this.phase === 'playing' && !live;
    this.el.dataset.live = live ? 'live' : stalled ? 'stalled' : '';
    el.className = `tile-live ${this.el.dataset.live}`;
    el.querySelector('b').textContent = live ? this.i18n.t('tile.live') : stalled ? this.i18n.t('tile.stalled') : '';
  }

  render() {
    const { i18n, el } = this;
    const camera = this.directory.get(this.cameraId);
    const status = this.player?.status ?? { phase: 'empty' };
    el.classList.toggle('empty', !this.cameraId);
    el.dataset.phase = this.cameraId ? status.phase : 'empty';
    el.dataset.transport = status.transport ?? '';
    el.querySelector('.tile-name').textContent = camera ? i18n.name(camera) : (this.cameraId ?? '');
    const state = camera?.state ?? 'unknown';
    el.querySelector('.badge').className = `badge state-${state}`;
    el.querySelector('.tile-state').textContent = this.cameraId ? i18n.stateLabel(state) : '';
    el.querySelector('.tile-stream').textContent = i18n.t(this.role === 'main' ? 'tile.mainStream' : 'tile.subStream');
    el.querySelector('.tile-transport').textContent =
      status.phase === 'playing' || status.phase === 'waiting' ? (status.transport === 'webrtc' ? 'WebRTC' : 'MSE') : '';
    el.querySelector('.btn-stats').title = i18n.t('tile.stats');
    el.querySelector('.btn-record').title = i18n.t('tile.record');
    el.querySelector('.btn-playback').title = i18n.t('tile.playback');
    el.querySelector('.btn-close').title = i18n.t('tile.close');
    el.title = this.cameraId ? i18n.t('tile.enlarge') : '';
    this.renderMessage(camera, status);
    this.renderLive();
  }

  renderMessage(camera, status) {
    const { i18n } = this;
    let kind = '';
    let text = '';
    let sub = '';
    const cameraDown = camera && !['online', 'connecting', 'idle'].includes(camera.state);
    if (!this.cameraId) {
      [kind, text] = ['empty', i18n.t('tile.empty')];
    } else if (status.phase === 'unsupported') {
      [kind, text] = ['unsupported', i18n.t('tile.unsupported', { codec: codecLabel(status.codec ?? this.streamCodec()) })];
      sub = camera ? i18n.name(camera) : '';
    } else if (status.phase === 'notfound' || (this.directory.loaded && !camera)) {
      [kind, text] = ['error', i18n.t('tile.notFound', { id: this.cameraId })];
    } else if (status.phase === 'playing' && !(cameraDown && this.stalled)) {
      kind = '';
    } else if (cameraDown || (status.phase === 'retry' && status.error?.kind === 'offline')) {
      kind = 'offline';
      text = status.phase === 'retry' ? i18n.t('tile.offlineRetry', { s: Math.ceil(status.retryInMs / 1000) }) : i18n.t('tile.offline');
      sub = camera ? `${i18n.name(camera)} · ${i18n.stateLabel(camera.state)}` : '';
    } else if (status.phase === 'waiting') {
      [kind, text] = ['waiting', i18n.t('tile.waiting')];
    } else {
      [kind, text] = ['connecting', i18n.t('tile.connecting')];
    }
    const msg = this.el.querySelector('.tile-msg');
    msg.className = `tile-msg ${kind ? `msg-${kind}` : 'hidden'}`;
    msg.querySelector('.msg-text').textContent = text;
    msg.querySelector('.msg-sub').textContent = sub;
  }

  streamCodec() {
    const camera = this.directory.get(this.cameraId);
    return camera?.streams.find((s) => s.stream === this.role)?.codec ?? null;
  }

  destroy() {
    clearInterval(this.watchTimer);
    this.player?.stop();
    this.el.remove();
  }
}
