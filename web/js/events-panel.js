// Event panel beside the wall: live events over SSE (/api/events/stream), snapshot with boxes,
// rule, camera and time; high-priority events flash and can beep (WebAudio, user toggle);
// a click asks the wall to show the camera (DOM CustomEvent 'vgw:show-camera' {cameraId});
// "acknowledge" records who and when (POST /api/events/{id}/ack).

const STRINGS = {
  zh: { title: '实时事件', sound: '声音', ack: '确认', acked: '已确认 {who} {time}', empty: '暂无事件',
        state_active: '进行中', state_ended: '已结束' },
  en: { title: 'Live events', sound: 'Sound', ack: 'Acknowledge', acked: 'Acked by {who} {time}',
        empty: 'No events yet', state_active: 'active', state_ended: 'ended' },
};
const HIGH = new Set(['high', 'critical']);
const MAX_ITEMS = 100;

export class EventsPanel {
  constructor(container, i18n, { names = (id) => id } = {}) {
    this.i18n = i18n;
    this.names = names;
    this.sound = localStorage.getItem('vgw.events.sound') === '1';
    this.items = new Map();
    if (!document.querySelector('link[href="/css/events-panel.css"]')) {
      const link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = '/css/events-panel.css';
      document.head.append(link);
    }
    this.root = document.createElement('aside');
    this.root.className = 'events-panel';
    this.root.innerHTML = `<header><span class="title"></span>
      <label><input type="checkbox" class="sound"> <span class="sound-label"></span></label></header>
      <div class="ev-list"></div>`;
    container.append(this.root);
    this.list = this.root.querySelector('.ev-list');
    const box = this.root.querySelector('.sound');
    box.checked = this.sound;
    box.addEventListener('change', () => {
      this.sound = box.checked;
      localStorage.setItem('vgw.events.sound', this.sound ? '1' : '0');
    });
    i18n?.addEventListener?.('change', () => this.render());
    this.render();
    this.load().then(() => this.connect());
  }

  t(key, params = {}) {
    const lang = this.i18n?.lang === 'en' ? 'en' : 'zh';
    return STRINGS[lang][key].replace(/\{(\w+)\}/g, (_, n) => String(params[n] ?? ''));
  }

  async load() {
    try {
      const response = await fetch('/api/events?limit=30');
      if (response.ok) for (const event of (await response.json()).reverse()) this.upsert(event, false);
    } catch { /* the stream below retries */ }
  }

  connect() {
    this.source = new EventSource('/api/events/stream');
    for (const kind of ['start', 'update', 'end', 'ack']) {
      this.source.addEventListener(kind, (message) => {
        const data = JSON.parse(message.data);
        this.upsert(data.event, kind === 'start');
      });
    }
  }

  upsert(event, fresh) {
    this.items.set(event.id, event);
    while (this.items.size > MAX_ITEMS) this.items.delete(this.items.keys().next().value);
    this.render();
    if (fresh && HIGH.has(event.priority)) {
      this.list.querySelector(`[data-id="${event.id}"]`)?.classList.add('flash');
      if (this.sound) beep();
    }
  }

  render() {
    this.root.querySelector('.title').textContent = this.t('title');
    this.root.querySelector('.sound-label').textContent = this.t('sound');
    const events = [...this.items.values()].sort((a, b) => b.started_at - a.started_at);
    this.list.replaceChildren(...events.map((e) => this.row(e)));
    if (!events.length) this.list.textContent = this.t('empty');
  }

  row(event) {
    const el = document.createElement('div');
    el.className = `ev ${event.priority}${event.acked_by ? ' acked' : ''}`;
    el.dataset.id = event.id;
    const time = new Date(event.started_at * 1000).toLocaleTimeString();
    const img = document.createElement('img');
    img.alt = event.rule_name;
    img.loading = 'lazy';
    if (event.has_snapshot) img.src = `/api/events/${event.id}/snapshot.jpg?u=${event.updated_at}`;
    const text = document.createElement('div');
    const rule = document.createElement('div');
    rule.className = 'rule';
    rule.textContent = event.plate ? `${event.rule_name} ${event.plate}` : event.rule_name;
    const meta = document.createElement('div');
    meta.className = 'meta';
    meta.textContent = `${this.names(event.camera_id)} · ${time} · ${this.t(`state_${event.state}`)}`;
    text.append(rule, meta);
    if (event.acked_by) {
      const acked = document.createElement('div');
      acked.className = 'meta';
      acked.textContent = this.t('acked', {
        who: event.acked_by, time: new Date(event.acked_at * 1000).toLocaleTimeString() });
      text.append(acked);
    } else {
      const button = document.createElement('button');
      button.textContent = this.t('ack');
      button.addEventListener('click', async (click) => {
        click.stopPropagation();
        const response = await fetch(`/api/events/${event.id}/ack`, { method: 'POST' });
        if (response.ok) this.upsert(await response.json(), false);
      });
      text.append(button);
    }
    el.append(img, text);
    el.addEventListener('click', () => {
      document.dispatchEvent(new CustomEvent('vgw:show-camera', { detail: { cameraId: event.camera_id } }));
    });
    return el;
  }
}

let audio = null;
function beep() {
  audio ??= new AudioContext();
  const osc = audio.createOscillator();
  const gain = audio.createGain();
  osc.frequency.value = 880;
  gain.gain.value = 0.15;
  osc.connect(gain).connect(audio.destination);
  osc.start();
  osc.stop(audio.currentTime + 0.25);
}
