// UI strings of the playback and case pages, zh (default) and en, in the wall's style. The
// language choice is shared with the wall (localStorage 'vgw.lang').

export const STRINGS = {
  zh: {
    'pb.title': '录像回放',
    'pb.back': '返回视频墙',
    'pb.cases': '案件',
    'pb.noCamera': '请在地址中指定摄像机：playback.html?camera=编号',
    'pb.span': '时间范围',
    'pb.span.600': '10 分钟',
    'pb.span.3600': '1 小时',
    'pb.span.21600': '6 小时',
    'pb.span.86400': '24 小时',
    'pb.earlier': '向前',
    'pb.later': '向后',
    'pb.now': '最新',
    'pb.legend.recorded': '有录像',
    'pb.legend.gap': '无录像',
    'pb.legend.event': '告警事件',
    'pb.hint': '单击时间轴从该时刻播放',
    'pb.loading': '正在加载时间轴…',
    'pb.loaded': '录像 {ranges} 段，缺失 {gaps} 段，事件 {events} 个',
    'pb.error': '加载失败：{detail}',
    'pb.noRecording': '该时刻没有录像',
    'pb.playing': '正在播放 {time}',
    'pb.markIn': '标记入点',
    'pb.markOut': '标记出点',
    'pb.selection': '选段 {start} – {end}（{seconds} 秒）',
    'pb.noSelection': '先标记入点和出点',
    'pb.ticket': '关联工单',
    'pb.newTicket': '新建工单…',
    'pb.category': '工单类别',
    'pb.description': '情况描述',
    'pb.makeClip': '生成片段',
    'pb.clipRequested': '片段已提交：{ticket}',
    'pb.clipReady': '片段已生成',
    'pb.clipFailed': '片段生成失败：{detail}',
    'pb.playClip': '播放片段',
    'pb.reason': '工单 {ticket} 回放',
    'case.title': '案件',
    'case.list': '我的案件',
    'case.empty': '没有分配给您的案件',
    'case.open': '办理中',
    'case.closed': '已结案',
    'case.tickets': '关联工单',
    'case.clips': '视频片段',
    'case.investigators': '办案人员',
    'case.reason': '查看事由（必填，将记入审计日志）',
    'case.needReason': '请先填写查看事由',
    'case.play': '播放',
    'case.download': '下载',
    'case.export': '导出证据包',
    'case.exporting': '正在打包 {percent}%',
    'case.exportReady': '证据包已就绪',
    'case.downloadZip': '下载 ZIP',
    'case.exportFailed': '打包失败：{detail}',
    'case.notFound': '案件不存在或无权查看',
    'status.new': '新建',
    'status.dispatched': '已派遣',
    'status.in_progress': '处理中',
    'status.resolved': '已办结',
    'status.closed': '已关闭',
    'lang.toggle': 'EN',
    'lang.toggleTitle': 'Switch to English',
  },
  en: {
    'pb.title': 'Playback',
    'pb.back': 'Back to the wall',
    'pb.cases': 'Cases',
    'pb.noCamera': 'Name a camera in the address: playback.html?camera=ID',
    'pb.span': 'Span',
    'pb.span.600': '10 min',
    'pb.span.3600': '1 hour',
    'pb.span.21600': '6 hours',
    'pb.span.86400': '24 hours',
    'pb.earlier': 'Earlier',
    'pb.later': 'Later',
    'pb.now': 'Latest',
    'pb.legend.recorded': 'Recorded',
    'pb.legend.gap': 'No recording',
    'pb.legend.event': 'Event',
    'pb.hint': 'Click the timeline to play from that instant',
    'pb.loading': 'Loading the timeline…',
    'pb.loaded': '{ranges} recorded ranges, {gaps} gaps, {events} events',
    'pb.error': 'Loading failed: {detail}',
    'pb.noRecording': 'Nothing recorded at that instant',
    'pb.playing': 'Playing {time}',
    'pb.markIn': 'Mark in',
    'pb.markOut': 'Mark out',
    'pb.selection': 'Selection {start} – {end} ({seconds} s)',
    'pb.noSelection': 'Mark in and out first',
    'pb.ticket': 'For ticket',
    'pb.newTicket': 'New ticket…',
    'pb.category': 'Category',
    'pb.description': 'Description',
    'pb.makeClip': 'Make clip',
    'pb.clipRequested': 'Clip requested: {ticket}',
    'pb.clipReady': 'Clip ready',
    'pb.clipFailed': 'Clip failed: {detail}',
    'pb.playClip': 'Play clip',
    'pb.reason': 'Ticket {ticket} review',
    'case.title': 'Cases',
    'case.list': 'My cases',
    'case.empty': 'No cases are assigned to you',
    'case.open': 'Open',
    'case.closed': 'Closed',
    'case.tickets': 'Tickets',
    'case.clips': 'Clips',
    'case.investigators': 'Investigators',
    'case.reason': 'Reason for viewing (required, recorded in the audit trail)',
    'case.needReason': 'Enter a reason first',
    'case.play': 'Play',
    'case.download': 'Download',
    'case.export': 'Export evidence',
    'case.exporting': 'Packing {percent}%',
    'case.exportReady': 'Evidence package ready',
    'case.downloadZip': 'Download ZIP',
    'case.exportFailed': 'Packing failed: {detail}',
    'case.notFound': 'No such case, or not yours to see',
    'status.new': 'New',
    'status.dispatched': 'Dispatched',
    'status.in_progress': 'In progress',
    'status.resolved': 'Resolved',
    'status.closed': 'Closed',
    'lang.toggle': '中文',
    'lang.toggleTitle': '切换到中文',
  },
};

const STORAGE_KEY = 'vgw.lang';

export class PageI18n extends EventTarget {
  constructor(storage = window.localStorage) {
    super();
    this.storage = storage;
    const saved = storage.getItem(STORAGE_KEY);
    this.lang = saved in STRINGS ? saved : 'zh';
  }

  t(key, params = {}) {
    const text = STRINGS[this.lang][key] ?? STRINGS.zh[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ''));
  }

  toggle() {
    this.lang = this.lang === 'zh' ? 'en' : 'zh';
    this.storage.setItem(STORAGE_KEY, this.lang);
    this.dispatchEvent(new Event('change'));
  }

  apply(root = document) {
    document.documentElement.lang = this.lang === 'zh' ? 'zh-CN' : 'en';
    for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = this.t(el.dataset.i18n);
    for (const el of root.querySelectorAll('[data-i18n-placeholder]')) {
      el.placeholder = this.t(el.dataset.i18nPlaceholder);
    }
    for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = this.t(el.dataset.i18nTitle);
  }
}

/** Local date and time of a unix instant, e.g. 2026-11-26 14:03:07. */
export function clockTime(seconds, withDate = true) {
  const d = new Date(seconds * 1000);
  const pad = (n) => String(n).padStart(2, '0');
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return withDate ? `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}` : time;
}

/** fetch() returning JSON, throwing an Error with the server's detail. */
export async function getJson(url, init = {}) {
  const response = await fetch(url, init);
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    const error = new Error(body?.detail ?? body?.error ?? `HTTP ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return body;
}

export function postJson(url, body) {
  return getJson(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}
