// Wiring of the live-wall page. Nothing here holds logic of its own.

import { api } from './api.js';
import { Directory } from './directory.js';
import { EventsPanel } from './events-panel.js';
import { I18n } from './i18n.js';
import { LayoutBar } from './layouts.js';
import { SettingsMenu } from './menu.js';
import { Settings } from './settings.js';
import { CameraTree } from './tree.js';
import { GRIDS, Wall } from './wall.js';

const i18n = new I18n();
const settings = new Settings();
const directory = new Directory(settings.timing.pollMs);
const ctx = { i18n, settings, directory };

const tree = new CameraTree(document.querySelector('.sidebar'), directory, i18n);
const wall = new Wall(document.querySelector('.wall'), ctx);
const layouts = new LayoutBar(document.querySelector('.layouts'), wall, i18n);
new SettingsMenu(document.querySelector('.btn-settings'), document.querySelector('.settings-panel'), settings, i18n);

tree.addEventListener('pick', (event) => wall.fillNext(event.detail));
// other panels (events) ask for a camera with a DOM event, without importing the wall
document.addEventListener('vgw:show-camera', (event) => wall.show(event.detail.cameraId));
new EventsPanel(document.querySelector('.workspace'), i18n, {
  names: (id) => directory.get(id)?.name ?? id,
});

const gridButtons = document.querySelector('.grid-buttons');
for (const n of GRIDS) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'grid-btn';
  button.dataset.grid = String(n);
  button.innerHTML = `<span class="grid-icon" style="--side:${Math.sqrt(n)}">${'<i></i>'.repeat(n)}</span><span class="grid-n">${n}</span>`;
  button.addEventListener('click', () => wall.setGrid(n));
  gridButtons.append(button);
}
const markGrid = () => {
  for (const button of gridButtons.children) {
    button.classList.toggle('active', Number(button.dataset.grid) === wall.grid);
    button.title = i18n.t('grid.label', { n: button.dataset.grid });
  }
};
wall.addEventListener('change', markGrid);

const fullscreenBtn = document.querySelector('.btn-fullscreen');
fullscreenBtn.addEventListener('click', () => wall.toggleFullscreen());
const markFullscreen = () => {
  fullscreenBtn.title = i18n.t(document.fullscreenElement ? 'wall.exitFullscreen' : 'wall.fullscreen');
};
document.addEventListener('fullscreenchange', markFullscreen);
document.querySelector('.btn-clear').addEventListener('click', () => wall.clear());
document.querySelector('.btn-lang').addEventListener('click', () => i18n.toggle());
api.me().then((me) => {
  document.querySelector('.user-name').textContent = me.display_name;
}).catch(() => {});
document.querySelector('.btn-logout').addEventListener('click', async () => {
  await api.logout().catch(() => {});
  location.href = '/login';
});
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && wall.enlarged !== null && !document.fullscreenElement) {
    wall.toggleEnlarge(wall.enlarged);
  }
});

const clock = document.querySelector('.clock');
const tick = () => {
  const locale = i18n.lang === 'zh' ? 'zh-CN' : 'en-GB';
  clock.textContent = new Date().toLocaleString(locale, { hour12: false });
};
setInterval(tick, 1000);

const applyLanguage = () => {
  i18n.apply();
  document.title = i18n.t('app.title');
  markGrid();
  markFullscreen();
  tick();
};
i18n.addEventListener('change', applyLanguage);
applyLanguage();

tree.render();
directory.start();
wall.restore();
layouts.refresh();

// for operators' consoles and the browser tests
window.vgw = { i18n, settings, directory, wall, tree, layouts };
