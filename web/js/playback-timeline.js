// The timeline bar: recorded ranges, gaps and events over [start, end]; a click reports the
// instant. Marks (in, out) and the playhead are drawn on top.

import { clockTime } from './playback-i18n.js';

export class Timeline extends EventTarget {
  constructor(root) {
    super();
    this.root = root;
    this.start = 0;
    this.end = 1;
    this.bar = root.querySelector('.tl-bar');
    this.ticks = root.querySelector('.tl-ticks');
    this.head = document.createElement('div');
    this.head.className = 'tl-head';
    this.selection = document.createElement('div');
    this.selection.className = 'tl-selection';
    this.bar.addEventListener('click', (event) => {
      const box = this.bar.getBoundingClientRect();
      const at = this.start + ((event.clientX - box.left) / box.width) * (this.end - this.start);
      this.dispatchEvent(new CustomEvent('seek', { detail: { at } }));
    });
  }

  x(t) {
    return `${(100 * (t - this.start)) / (this.end - this.start)}%`;
  }

  width(a, b) {
    return `${(100 * (Math.min(b, this.end) - Math.max(a, this.start))) / (this.end - this.start)}%`;
  }

  /** Draw one window: {start, end, recorded: [{start,end}], gaps: [...], events: [...]}. */
  render({ start, end, recorded, gaps, events }, labelOf) {
    this.start = start;
    this.end = end;
    this.bar.replaceChildren();
    const span = (cls, a, b, title) => {
      const el = document.createElement('div');
      el.className = cls;
      el.style.left = this.x(Math.max(a, start));
      el.style.width = this.width(a, b);
      el.title = title;
      this.bar.append(el);
      return el;
    };
    for (const r of recorded) span('tl-rec', r.start, r.end, `${clockTime(r.start)} – ${clockTime(r.end)}`);
    for (const g of gaps) span('tl-gap', g.start, g.end, `${clockTime(g.start)} – ${clockTime(g.end)}`);
    for (const e of events) {
      const mark = document.createElement('div');
      mark.className = `tl-evt p-${e.priority}`;
      mark.style.left = this.x(e.started_at);
      mark.title = `${clockTime(e.started_at)} ${labelOf(e)}`;
      mark.dataset.event = e.id;
      mark.addEventListener('click', (event) => {
        event.stopPropagation();
        this.dispatchEvent(new CustomEvent('seek', { detail: { at: e.started_at } }));
      });
      this.bar.append(mark);
    }
    this.bar.append(this.selection, this.head);
    this.root.dataset.ranges = String(recorded.length);
    this.root.dataset.gaps = String(gaps.length);
    this.root.dataset.events = String(events.length);
    this.renderTicks();
    this.setHead(null);
  }

  renderTicks() {
    this.ticks.replaceChildren();
    const span = this.end - this.start;
    const steps = [60, 300, 600, 1800, 3600, 7200, 14400];
    const step = steps.find((s) => span / s <= 8) ?? 21600;
    for (let t = Math.ceil(this.start / step) * step; t <= this.end; t += step) {
      const tick = document.createElement('span');
      tick.style.left = this.x(t);
      tick.textContent = clockTime(t, false).slice(0, 5);
      this.ticks.append(tick);
    }
  }

  setHead(t) {
    this.head.hidden = t === null || t < this.start || t > this.end;
    if (!this.head.hidden) this.head.style.left = this.x(t);
  }

  setSelection(a, b) {
    const ok = a !== null && b !== null && b > a;
    this.selection.hidden = !ok;
    if (ok) {
      this.selection.style.left = this.x(Math.max(a, this.start));
      this.selection.style.width = this.width(a, b);
    }
  }
}
