// Every UI string, one dictionary per language. Camera and town names are data, not UI
// strings: they stay Chinese, with name_en shown in English mode when the config has one.

export const STRINGS = {
  zh: {
    'app.title': '视频监控指挥平台',
    'app.subtitle': '实时视频墙',
    'tree.search': '搜索名称、位置、编号…',
    'tree.online': '在线 {online} / {total}',
    'tree.empty': '没有匹配的摄像机',
    'tree.loading': '正在加载摄像机…',
    'tree.error': '无法加载摄像机列表，正在重试…',
    'tree.hint': '单击添加到下一个空闲画面，或拖拽到指定画面',
    'grid.label': '{n} 画面',
    'wall.fullscreen': '全屏',
    'wall.exitFullscreen': '退出全屏',
    'wall.clear': '清空画面',
    'layout.saved': '已保存布局',
    'layout.choose': '选择布局…',
    'layout.save': '保存布局',
    'layout.name': '布局名称',
    'layout.confirmSave': '保存',
    'layout.cancel': '取消',
    'layout.delete': '删除',
    'layout.confirmDelete': '确认删除？',
    'layout.savedOk': '布局“{name}”已保存',
    'layout.deletedOk': '布局“{name}”已删除',
    'layout.loadedOk': '已载入布局“{name}”',
    'layout.error': '布局操作失败：{detail}',
    'layout.noName': '请输入布局名称',
    'layout.badName': '布局名称不能包含“/”',
    'settings.title': '设置',
    'settings.transport': '传输方式',
    'settings.transport.auto': '自动（WebRTC 优先，失败时切换 MSE）',
    'settings.transport.webrtc': '仅 WebRTC',
    'settings.transport.mse': '仅 MSE（WebSocket）',
    'settings.urlOverride': '地址栏参数 transport={mode} 优先生效',
    'settings.language': '界面语言',
    'settings.wallStreams': '4 画面及以上使用子码流，单画面或放大时使用主码流',
    'lang.toggle': 'EN',
    'auth.logout': '退出登录',
    'lang.toggleTitle': 'Switch to English',
    'tile.empty': '拖入摄像机或在左侧单击添加',
    'tile.connecting': '正在连接…',
    'tile.waiting': '等待画面…',
    'tile.offline': '摄像机离线',
    'tile.offlineRetry': '摄像机离线，{s} 秒后重试',
    'tile.notFound': '摄像机不存在：{id}',
    'tile.unsupported': '浏览器不支持该编码 ({codec})',
    'tile.error': '播放失败：{detail}',
    'tile.live': '直播',
    'tile.stalled': '卡顿',
    'tile.stats': '统计',
    'tile.record': '录制此画面并生成工单（最近 30 秒）',
    'tile.recorded': '已生成工单 {ticket}',
    'tile.recordFailed': '生成工单失败：{error}',
    'tile.playback': '打开录像回放',
    'tile.close': '关闭',
    'tile.enlarge': '双击放大 / 还原',
    'tile.mainStream': '主码流',
    'tile.subStream': '子码流',
    'stats.bitrate': '码率',
    'stats.fps': '帧率',
    'stats.latency': '延迟',
    'stats.transport': '传输',
    'stats.resolution': '分辨率',
    'stats.dropped': '丢帧',
    'state.idle': '空闲',
    'state.connecting': '连接中',
    'state.online': '在线',
    'state.stalled': '卡顿',
    'state.offline': '离线',
    'state.auth_failed': '认证失败',
    'state.unsupported_codec': '编码不支持',
    'state.disabled': '已停用',
    'state.unknown': '未知',
  },
  en: {
    'app.title': 'Video Surveillance Command',
    'app.subtitle': 'Live video wall',
    'tree.search': 'Search name, location, ID…',
    'tree.online': 'Online {online} / {total}',
    'tree.empty': 'No matching cameras',
    'tree.loading': 'Loading cameras…',
    'tree.error': 'Cannot load the camera list, retrying…',
    'tree.hint': 'Click to add to the next free tile, or drag onto a tile',
    'grid.label': '{n} tiles',
    'wall.fullscreen': 'Full screen',
    'wall.exitFullscreen': 'Exit full screen',
    'wall.clear': 'Clear wall',
    'layout.saved': 'Saved layouts',
    'layout.choose': 'Choose a layout…',
    'layout.save': 'Save layout',
    'layout.name': 'Layout name',
    'layout.confirmSave': 'Save',
    'layout.cancel': 'Cancel',
    'layout.delete': 'Delete',
    'layout.confirmDelete': 'Really delete?',
    'layout.savedOk': 'Layout “{name}” saved',
    'layout.deletedOk': 'Layout “{name}” deleted',
    'layout.loadedOk': 'Layout “{name}” loaded',
    'layout.error': 'Layout action failed: {detail}',
    'layout.noName': 'Enter a layout name',
    'layout.badName': 'A layout name cannot contain “/”',
    'settings.title': 'Settings',
    'settings.transport': 'Transport',
    'settings.transport.auto': 'Automatic (WebRTC first, MSE fallback)',
    'settings.transport.webrtc': 'WebRTC only',
    'settings.transport.mse': 'MSE only (WebSocket)',
    'settings.urlOverride': 'URL parameter transport={mode} takes precedence',
    'settings.language': 'Language',
    'settings.wallStreams': 'Walls of 4+ tiles use sub-streams; a single or enlarged tile uses the main stream',
    'lang.toggle': '中文',
    'auth.logout': 'Sign out',
    'lang.toggleTitle': '切换到中文',
    'tile.empty': 'Drop a camera here or click one on the left',
    'tile.connecting': 'Connecting…',
    'tile.waiting': 'Waiting for picture…',
    'tile.offline': 'Camera offline',
    'tile.offlineRetry': 'Camera offline, retrying in {s} s',
    'tile.notFound': 'No such camera: {id}',
    'tile.unsupported': 'Codec not supported in browser ({codec})',
    'tile.error': 'Playback failed: {detail}',
    'tile.live': 'LIVE',
    'tile.stalled': 'STALLED',
    'tile.stats': 'Stats',
    'tile.record': 'Record this: make a work order with the last 30 s',
    'tile.recorded': 'Work order {ticket} created',
    'tile.recordFailed': 'Could not create the work order: {error}',
    'tile.playback': 'Open playback',
    'tile.close': 'Close',
    'tile.enlarge': 'Double-click to enlarge / restore',
    'tile.mainStream': 'Main',
    'tile.subStream': 'Sub',
    'stats.bitrate': 'Bitrate',
    'stats.fps': 'FPS',
    'stats.latency': 'Latency',
    'stats.transport': 'Transport',
    'stats.resolution': 'Resolution',
    'stats.dropped': 'Dropped',
    'state.idle': 'Idle',
    'state.connecting': 'Connecting',
    'state.online': 'Online',
    'state.stalled': 'Stalled',
    'state.offline': 'Offline',
    'state.auth_failed': 'Auth failed',
    'state.unsupported_codec': 'Unsupported codec',
    'state.disabled': 'Disabled',
    'state.unknown': 'Unknown',
  },
};

export const LANGUAGES = Object.keys(STRINGS);
const STORAGE_KEY = 'vgw.lang';

/** The UI language: remembered choice, Simplified Chinese by default. */
export class I18n extends EventTarget {
  constructor(storage = window.localStorage) {
    super();
    this.storage = storage;
    const saved = storage.getItem(STORAGE_KEY);
    this.lang = LANGUAGES.includes(saved) ? saved : 'zh';
  }

  t(key, params = {}) {
    const text = STRINGS[this.lang][key] ?? STRINGS.zh[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ''));
  }

  setLang(lang) {
    if (!LANGUAGES.includes(lang) || lang === this.lang) return;
    this.lang = lang;
    this.storage.setItem(STORAGE_KEY, lang);
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    this.dispatchEvent(new Event('change'));
  }

  toggle() {
    this.setLang(this.lang === 'zh' ? 'en' : 'zh');
  }

  /** A camera's or town's display name: Chinese, or name_en in English mode when present. */
  name(item) {
    return this.lang === 'en' && item.name_en ? item.name_en : item.name;
  }

  stateLabel(state) {
    const key = `state.${state}`;
    return key in STRINGS[this.lang] ? this.t(key) : this.t('state.unknown');
  }

  /** Fill the static markup: data-i18n (text), data-i18n-placeholder, data-i18n-title. */
  apply(root = document) {
    document.documentElement.lang = this.lang === 'zh' ? 'zh-CN' : 'en';
    for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = this.t(el.dataset.i18n);
    for (const el of root.querySelectorAll('[data-i18n-placeholder]')) {
      el.placeholder = this.t(el.dataset.i18nPlaceholder);
    }
    for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = this.t(el.dataset.i18nTitle);
  }
}

/** Display label of an FFmpeg codec name, as operators know it. */
export function codecLabel(codec) {
  const names = { hevc: 'H.265', h265: 'H.265', h264: 'H.264', avc: 'H.264', mpeg4: 'MPEG-4', mjpeg: 'MJPEG' };
  return names[String(codec ?? '').toLowerCase()] ?? String(codec ?? '?').toUpperCase();
}
