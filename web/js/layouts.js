// Saved named layouts (per user, on the server): pick one to load it, save the wall under a
// name (replacing a layout of the same name), delete the chosen one (click twice to confirm).

import { api } from './api.js';
import { toast } from './toast.js';

export class LayoutBar {
  constructor(root, wall, i18n) {
    this.root = root;
    this.wall = wall;
    this.i18n = i18n;
    this.select = root.querySelector('.layout-select');
    this.saveBtn = root.querySelector('.layout-save');
    this.deleteBtn = root.querySelector('.layout-delete');
    this.popover = root.querySelector('.layout-popover');
    this.nameInput = root.querySelector('.layout-name');
    this.layouts = [];
    this.confirmTimer = null;
    this.select.addEventListener('change', () => this.load(this.select.value));
    this.saveBtn.addEventListener('click', () => this.openSave());
    root.querySelector('.layout-cancel').addEventListener('click', () => this.closeSave());
    root.querySelector('.layout-form').addEventListener('submit', (event) => {
      event.preventDefault();
      this.save(this.nameInput.value.trim());
    });
    this.deleteBtn.addEventListener('click', () => this.remove());
    i18n.addEventListener('change', () => this.renderOptions());
  }

  async refresh() {
    try {
      this.layouts = await api.layouts();
    } catch (error) {
      toast(this.i18n.t('layout.error', { detail: error.message }), 'error');
    }
    this.renderOptions();
  }

  renderOptions() {
    const current = this.select.value;
    const placeholder = new Option(this.i18n.t('layout.choose'), '');
    const options = this.layouts.map((layout) => new Option(`${layout.name} (${layout.grid})`, layout.name));
    this.select.replaceChildren(placeholder, ...options);
    this.select.value = this.layouts.some((layout) => layout.name === current) ? current : '';
    this.deleteBtn.disabled = !this.select.value;
    this.resetDelete();
  }

  load(name) {
    this.deleteBtn.disabled = !name;
    this.resetDelete();
    const layout = this.layouts.find((item) => item.name === name);
    if (!layout) return;
    this.wall.load(layout);
    toast(this.i18n.t('layout.loadedOk', { name }));
  }

  openSave() {
    this.popover.hidden = false;
    this.nameInput.value = this.select.value;
    this.nameInput.focus();
    this.nameInput.select();
  }

  closeSave() {
    this.popover.hidden = true;
  }

  async save(name) {
    if (!name) {
      toast(this.i18n.t('layout.noName'), 'error');
      return;
    }
    if (name.includes('/')) {
      toast(this.i18n.t('layout.badName'), 'error');
      return;
    }
    const { grid, tiles } = this.wall.layout;
    try {
      await api.saveLayout(name, grid, tiles);
    } catch (error) {
      toast(this.i18n.t('layout.error', { detail: error.message }), 'error');
      return;
    }
    this.closeSave();
    await this.refresh();
    this.select.value = name;
    this.deleteBtn.disabled = false;
    toast(this.i18n.t('layout.savedOk', { name }), 'ok');
  }

  async remove() {
    const name = this.select.value;
    if (!name) return;
    if (!this.deleteBtn.classList.contains('confirm')) {
      this.deleteBtn.classList.add('confirm');
      this.deleteBtn.textContent = this.i18n.t('layout.confirmDelete');
      this.confirmTimer = setTimeout(() => this.resetDelete(), 3000);
      return;
    }
    this.resetDelete();
    try {
      await api.deleteLayout(name);
    } catch (error) {
      toast(this.i18n.t('layout.error', { detail: error.message }), 'error');
      return;
    }
    this.select.value = '';
    await this.refresh();
    toast(this.i18n.t('layout.deletedOk', { name }), 'ok');
  }

  resetDelete() {
    clearTimeout(this.confirmTimer);
    this.deleteBtn.classList.remove('confirm');
    this.deleteBtn.textContent = this.i18n.t('layout.delete');
  }
}
