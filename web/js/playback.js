// The playback page: one camera's recorded timeline (ranges, gaps, events), play from any
// instant, mark in and out, and make a clip for a ticket. URL: playback.html?camera=ID
// [&at=unix seconds to start playing][&span=seconds shown, default 3600][&end=unix seconds].

import { PageI18n, clockTime, getJson, postJson } from './playback-i18n.js';
import { SegmentPlayer } from './playback-player.js';
import { Timeline } from './playback-timeline.js';

const OPEN = ['new', 'dispatched', 'in_progress'];
const params = new URLSearchParams(window.location.search);
const cameraId = params.get('camera');
const i18n = new PageI18n();
const $ = (selector) => document.querySelector(selector);
const state = {
  span: Number(params.get('span')) || 3600,
  end: Number(params.get('end')) || null, // null: follow now
  window: null,
  markIn: null,
  markOut: null,
};

function status(key, values = {}, cls = '') {
  const el = $('.pb-status');
  el.textContent = i18n.t(key, values);
  el.className = `pb-status ${cls}`;
  el.dataset.key = key;
}

const timeline = new Timeline($('.timeline'));
const player = new SegmentPlayer($('video'), cameraId);

async function loadWindow() {
  const end = state.end ?? Date.now() / 1000;
  const start = end - state.span;
  document.body.dataset.state = 'loading';
  status('pb.loading');
  const cam = encodeURIComponent(cameraId);
  try {
    const [recording, events] = await Promise.all([
      getJson(`/api/recording/${cam}/segments?from=${start}&to=${end}`),
      getJson(`/api/events?camera=${cam}&since=${start}&until=${end}&limit=1000`).catch(() => []),
    ]);
    state.window = { start, end, recorded: recording.recorded, gaps: recording.gaps, events };
    timeline.render(state.window, (e) => [e.rule_name, e.plate].filter(Boolean).join(' '));
    timeline.setSelection(state.markIn, state.markOut);
    status('pb.loaded', { ranges: recording.recorded.length, gaps: recording.gaps.length, events: events.length });
    document.body.dataset.state = 'ready';
  } catch (error) {
    status('pb.error', { detail: error.message }, 'bad');
    document.body.dataset.state = 'error';
  }
}

async function loadTickets() {
  const query = OPEN.map((s) => `status=${s}`).join('&');
  const select = $('.pb-ticket');
  const chosen = select.value;
  let tickets = [];
  try {
    tickets = await getJson(`/api/tickets?camera=${encodeURIComponent(cameraId)}&${query}&limit=50`);
  } catch {
    tickets = [];
  }
  select.replaceChildren();
  for (const ticket of tickets) {
    const option = new Option(`${ticket.id} ${ticket.category} (${i18n.t(`status.${ticket.status}`)})`, ticket.id);
    select.append(option);
  }
  select.append(new Option(i18n.t('pb.newTicket'), ''));
  if ([...select.options].some((o) => o.value === chosen)) select.value = chosen;
  showNewTicketFields();
}

function showNewTicketFields() {
  $('.pb-new-ticket').hidden = $('.pb-ticket').value !== '';
}

function showSelection() {
  const { markIn, markOut } = state;
  timeline.setSelection(markIn, markOut);
  const ok = markIn !== null && markOut !== null && markOut > markIn;
  $('.pb-make-clip').disabled = !ok;
  $('.pb-selection').textContent = ok
    ? i18n.t('pb.selection', {
        start: clockTime(markIn),
        end: clockTime(markOut, false),
        seconds: Math.round(markOut - markIn),
      })
    : i18n.t('pb.noSelection');
}

function mark(which) {
  const at = player.instant();
  if (at === null) return;
  state[which] = at;
  showSelection();
}

async function makeClip() {
  const { markIn, markOut } = state;
  const button = $('.pb-make-clip');
  button.disabled = true;
  try {
    let ticketId = $('.pb-ticket').value;
    if (!ticketId) {
      const ticket = await postJson('/api/tickets', {
        category: $('.pb-category').value.trim() || '视频巡查发现',
        description: $('.pb-description').value.trim(),
        camera_ids: [cameraId],
      });
      ticketId = ticket.id;
    }
    const out = await postJson(`/api/tickets/${encodeURIComponent(ticketId)}/clips`, {
      camera_id: cameraId,
      start: markIn,
      end: markOut,
    });
    if (!out.clip_id) throw new Error(out.clip_error ?? 'no clip');
    status('pb.clipRequested', { ticket: ticketId });
    await loadTickets();
    $('.pb-ticket').value = ticketId;
    showNewTicketFields();
    await waitForClip(out.clip_id, ticketId);
  } catch (error) {
    status('pb.clipFailed', { detail: error.message }, 'bad');
  } finally {
    button.disabled = false;
  }
}

async function waitForClip(clipId, ticketId) {
  for (;;) {
    const job = await getJson(`/api/recording/clips/jobs/${encodeURIComponent(clipId)}`);
    if (job.status === 'failed') throw new Error(job.error ?? 'failed');
    if (job.status === 'ready') break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const clip = await getJson(`/api/recording/clips/${encodeURIComponent(clipId)}`);
  status('pb.clipReady', {}, 'ok');
  const link = $('.pb-play-clip');
  link.hidden = false;
  link.dataset.clip = clipId;
  link.onclick = () => {
    const reason = encodeURIComponent(i18n.t('pb.reason', { ticket: ticketId }));
    player.playClip(`/api/recording/clips/${encodeURIComponent(clipId)}/file?reason=${reason}`, clip.first_frame ?? clip.requested_start);
  };
}

function shift(direction) {
  const end = state.end ?? Date.now() / 1000;
  state.end = direction === 0 ? null : end + direction * state.span * 0.5;
  loadWindow();
}

function wire() {
  timeline.addEventListener('seek', async (event) => {
    const played = await player.playAt(event.detail.at);
    if (played) {
      document.body.dataset.state = 'playing';
      status('pb.playing', { time: clockTime(event.detail.at) });
    }
  });
  player.addEventListener('time', (event) => {
    timeline.setHead(event.detail.at);
    $('.pb-clock').textContent = clockTime(event.detail.at);
  });
  player.addEventListener('missing', () => status('pb.noRecording', {}, 'warn'));
  $('.pb-span').value = String(state.span);
  $('.pb-span').addEventListener('change', (event) => {
    state.span = Number(event.target.value);
    loadWindow();
  });
  $('.pb-earlier').addEventListener('click', () => shift(-1));
  $('.pb-later').addEventListener('click', () => shift(1));
  $('.pb-now').addEventListener('click', () => shift(0));
  $('.pb-mark-in').addEventListener('click', () => mark('markIn'));
  $('.pb-mark-out').addEventListener('click', () => mark('markOut'));
  $('.pb-ticket').addEventListener('change', showNewTicketFields);
  $('.pb-make-clip').addEventListener('click', makeClip);
  $('.btn-lang').addEventListener('click', () => i18n.toggle());
  i18n.addEventListener('change', () => {
    i18n.apply();
    showSelection();
    loadWindow();
    loadTickets();
  });
}

async function main() {
  i18n.apply();
  if (!cameraId) {
    status('pb.noCamera', {}, 'bad');
    document.body.dataset.state = 'error';
    return;
  }
  wire();
  showSelection();
  try {
    const camera = await getJson(`/api/cameras/${encodeURIComponent(cameraId)}`);
    $('.pb-camera').textContent = `${i18n.lang === 'en' && camera.name_en ? camera.name_en : camera.name} (${camera.id})`;
  } catch (error) {
    $('.pb-camera').textContent = cameraId;
  }
  await Promise.all([loadWindow(), loadTickets()]);
  const at = Number(params.get('at'));
  if (at) timeline.dispatchEvent(new CustomEvent('seek', { detail: { at } }));
}

window.vgwPlayback = { state, timeline, player, i18n };
main();
