// Investigators' case page: case.html lists the caller's cases; case.html?id=AJ-... shows one
// (tickets, clips, investigators), plays clips with a stated reason, and exports the case as a
// ZIP (prepare with progress, then download). Every view and download is audited server-side.

import { PageI18n, clockTime, getJson, postJson } from './playback-i18n.js';

const i18n = new PageI18n();
const params = new URLSearchParams(window.location.search);
const caseId = params.get('id');
const $ = (selector) => document.querySelector(selector);
const el = (tag, cls, text) => {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
};

function reason() {
  const value = $('.case-reason').value.trim();
  $('.case-reason').classList.toggle('missing', !value);
  if (!value) $('.case-message').textContent = i18n.t('case.needReason');
  return value;
}

async function showList() {
  $('.case-detail').hidden = true;
  const list = $('.case-list');
  list.hidden = false;
  const cases = await getJson('/api/cases');
  const body = list.querySelector('tbody');
  body.replaceChildren();
  for (const item of cases) {
    const row = el('tr');
    const link = el('a', '', item.id);
    link.href = `/case.html?id=${encodeURIComponent(item.id)}`;
    const first = el('td');
    first.append(link);
    row.append(first, el('td', '', item.title), el('td', '', i18n.t(`case.${item.status}`)),
      el('td', '', clockTime(item.created_at)));
    body.append(row);
  }
  $('.case-empty').hidden = cases.length > 0;
  document.body.dataset.state = 'list';
}

function clipRow(item, clip) {
  const row = el('tr');
  row.dataset.clip = clip.id;
  const actions = el('td');
  const play = el('button', 'btn case-play', i18n.t('case.play'));
  play.type = 'button';
  play.addEventListener('click', () => {
    const why = reason();
    if (!why) return;
    const video = $('.case-video');
    video.dataset.clip = clip.id;
    video.src = `/api/cases/${encodeURIComponent(item.id)}/clips/${encodeURIComponent(clip.id)}/file?reason=${encodeURIComponent(why)}`;
    video.play().catch(() => {});
  });
  const download = el('button', 'btn case-download', i18n.t('case.download'));
  download.type = 'button';
  download.addEventListener('click', () => {
    const why = reason();
    if (!why) return;
    window.location.href = `/api/cases/${encodeURIComponent(item.id)}/clips/${encodeURIComponent(clip.id)}/file?download=true&reason=${encodeURIComponent(why)}`;
  });
  actions.append(play, download);
  const span = clip.start ? `${clockTime(clip.start)} – ${clockTime(clip.end, false)}` : '';
  row.append(el('td', '', clip.id), el('td', '', clip.camera_id), el('td', '', span),
    el('td', '', `${(clip.bytes / 1048576).toFixed(1)} MiB`), actions);
  return row;
}

async function showCase() {
  $('.case-list').hidden = true;
  let item;
  try {
    item = await getJson(`/api/cases/${encodeURIComponent(caseId)}`);
  } catch (error) {
    $('.case-message').textContent = i18n.t('case.notFound');
    document.body.dataset.state = 'error';
    return;
  }
  $('.case-detail').hidden = false;
  $('.case-heading').textContent = `${item.id} ${item.title}`;
  $('.case-description').textContent = item.description;
  $('.case-investigators').textContent = item.investigators.join('、') || '—';
  const tickets = $('.case-tickets tbody');
  tickets.replaceChildren();
  for (const t of item.tickets) {
    const row = el('tr');
    row.append(el('td', '', t.id), el('td', '', t.category),
      el('td', '', i18n.t(`status.${t.status}`)), el('td', '', t.location));
    tickets.append(row);
  }
  const clips = $('.case-clips tbody');
  clips.replaceChildren(...item.clips.filter((c) => c.status === 'ready').map((c) => clipRow(item, c)));
  document.body.dataset.state = 'case';
}

async function exportCase() {
  const why = reason();
  if (!why) return;
  const bar = $('.case-progress');
  const link = $('.case-zip');
  link.hidden = true;
  bar.hidden = false;
  bar.value = 0;
  try {
    let job = await postJson(`/api/cases/${encodeURIComponent(caseId)}/exports`, { reason: why });
    while (job.status === 'preparing') {
      $('.case-message').textContent = i18n.t('case.exporting', { percent: Math.floor(job.progress * 100) });
      bar.value = job.progress;
      await new Promise((resolve) => setTimeout(resolve, 400));
      job = await getJson(`/api/cases/${encodeURIComponent(caseId)}/exports/${job.job_id}`);
    }
    if (job.status !== 'ready') throw new Error(job.error ?? job.status);
    bar.value = 1;
    $('.case-message').textContent = i18n.t('case.exportReady');
    link.href = `${job.download_url}?reason=${encodeURIComponent(why)}`;
    link.hidden = false;
  } catch (error) {
    $('.case-message').textContent = i18n.t('case.exportFailed', { detail: error.message });
  }
}

function render() {
  i18n.apply();
  return caseId ? showCase() : showList();
}

$('.btn-lang').addEventListener('click', () => i18n.toggle());
$('.case-export').addEventListener('click', exportCase);
i18n.addEventListener('change', render);
render().catch((error) => {
  $('.case-message').textContent = error.message;
  document.body.dataset.state = 'error';
});
