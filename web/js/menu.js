// The settings menu: transport choice (auto / WebRTC / MSE) and language.

import { LANGUAGES } from './i18n.js';
import { TRANSPORTS } from './settings.js';

export class SettingsMenu {
  constructor(button, panel, settings, i18n) {
    this.button = button;
    this.panel = panel;
    this.settings = settings;
    this.i18n = i18n;
    button.addEventListener('click', (event) => {
      event.stopPropagation();
      this.toggle();
    });
    document.addEventListener('click', (event) => {
      if (!panel.hidden && !panel.contains(event.target)) this.toggle(false);
    });
    panel.addEventListener('change', (event) => {
      if (event.target.name === 'transport') settings.setTransport(event.target.value);
      if (event.target.name === 'lang') i18n.setLang(event.target.value);
      this.render();
    });
    i18n.addEventListener('change', () => this.render());
    this.render();
  }

  toggle(open = this.panel.hidden) {
    this.panel.hidden = !open;
    this.button.setAttribute('aria-expanded', String(open));
    if (open) this.render();
  }

  render() {
    const { i18n, settings } = this;
    const radios = (name, values, current, label) =>
      values
        .map(
          (value) =>
            `<label class="radio"><input type="radio" name="${name}" value="${value}"${value === current ? ' checked' : ''}>` +
            `<span>${escapeHtml(label(value))}</span></label>`,
        )
        .join('');
    const override = settings.urlTransport
      ? `<p class="menu-note">${escapeHtml(i18n.t('settings.urlOverride', { mode: settings.urlTransport }))}</p>`
      : '';
    this.panel.innerHTML =
      `<h3>${escapeHtml(i18n.t('settings.transport'))}</h3>` +
      radios('transport', TRANSPORTS, settings.transport, (v) => i18n.t(`settings.transport.${v}`)) +
      override +
      `<p class="menu-note">${escapeHtml(i18n.t('settings.wallStreams'))}</p>` +
      `<h3>${escapeHtml(i18n.t('settings.language'))}</h3>` +
      radios('lang', LANGUAGES, i18n.lang, (v) => (v === 'zh' ? '简体中文' : 'English'));
  }
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
