// The camera tree: towns, their cameras with health badges, and the search box.
// Click a camera to 'pick' it (the wall fills the next free tile); drag it onto a tile.

import { matches, queryTerms } from './search.js';

export const CAMERA_MIME = 'application/x-vgw-camera';

export class CameraTree extends EventTarget {
  constructor(root, directory, i18n) {
    super();
    this.root = root;
    this.directory = directory;
    this.i18n = i18n;
    this.list = root.querySelector('.tree-list');
    this.summary = root.querySelector('.tree-summary');
    this.search = root.querySelector('.tree-search');
    this.collapsed = new Set();
    this.rows = new Map(); // camera id -> row element
    this.search.addEventListener('input', () => this.render());
    directory.addEventListener('change', () => this.update());
    directory.addEventListener('error', () => this.update());
    i18n.addEventListener('change', () => this.render());
    this.list.addEventListener('click', (event) => this.onClick(event));
    this.list.addEventListener('dragstart', (event) => {
      const row = event.target.closest('.cam');
      if (!row) return;
      event.dataTransfer.setData(CAMERA_MIME, row.dataset.camera);
      event.dataTransfer.setData('text/plain', row.dataset.camera);
      event.dataTransfer.effectAllowed = 'copy';
    });
  }

  onClick(event) {
    const town = event.target.closest('.town-head');
    if (town) {
      const id = town.parentElement.dataset.town;
      if (this.collapsed.has(id)) this.collapsed.delete(id);
      else this.collapsed.add(id);
      town.parentElement.classList.toggle('collapsed', this.collapsed.has(id));
      return;
    }
    const row = event.target.closest('.cam');
    if (row) this.dispatchEvent(new CustomEvent('pick', { detail: row.dataset.camera }));
  }

  /** States changed: rebuild only when the camera set changed, else restyle in place. */
  update() {
    const ids = [...this.directory.cameras.keys()];
    const known = ids.length === this.cameraCount && ids.every((id) => this.rows.has(id));
    if (!known) {
      this.render();
      return;
    }
    for (const camera of this.directory.cameras.values()) {
      const row = this.rows.get(camera.id);
      if (row && row.dataset.state !== camera.state) this.styleRow(row, camera);
    }
    this.renderCounts();
  }

  render() {
    const { i18n, directory } = this;
    this.rows.clear();
    this.list.replaceChildren();
    this.cameraCount = directory.cameras.size;
    if (!directory.loaded) {
      this.list.append(note(i18n.t(directory.failed ? 'tree.error' : 'tree.loading')));
      this.renderCounts();
      return;
    }
    const terms = queryTerms(this.search.value);
    let shown = 0;
    for (const town of directory.towns) {
      const cameras = directory.inTown(town.id).filter((camera) => matches(camera, terms, town));
      if (cameras.length === 0 && terms.length > 0) continue;
      const group = document.createElement('div');
      group.className = 'town';
      group.dataset.town = town.id;
      // a search opens every town it found something in
      group.classList.toggle('collapsed', terms.length === 0 && this.collapsed.has(town.id));
      const head = document.createElement('button');
      head.type = 'button';
      head.className = 'town-head';
      head.innerHTML = '<span class="chevron"></span><span class="town-name"></span><span class="town-count"></span>';
      head.querySelector('.town-name').textContent = i18n.name(town);
      group.append(head);
      const body = document.createElement('ul');
      body.className = 'town-cams';
      body.setAttribute('role', 'group');
      for (const camera of cameras) {
        body.append(this.row(camera));
        shown += 1;
      }
      group.append(body);
      this.list.append(group);
    }
    if (shown === 0) this.list.append(note(i18n.t('tree.empty')));
    this.renderCounts();
  }

  row(camera) {
    const row = document.createElement('li');
    row.className = 'cam';
    row.draggable = true;
    row.dataset.camera = camera.id;
    row.setAttribute('role', 'treeitem');
    row.innerHTML =
      '<span class="badge"></span><span class="cam-text"><span class="cam-name"></span>' +
      '<span class="cam-meta"><span class="cam-id"></span><span class="cam-state"></span></span></span>';
    row.querySelector('.cam-name').textContent = this.i18n.name(camera);
    row.querySelector('.cam-id').textContent = camera.id;
    row.title = `${camera.name}\n${camera.location}\n${camera.department}`;
    this.styleRow(row, camera);
    this.rows.set(camera.id, row);
    return row;
  }

  styleRow(row, camera) {
    row.dataset.state = camera.state;
    row.querySelector('.badge').className = `badge state-${camera.state}`;
    row.querySelector('.cam-state').textContent = this.i18n.stateLabel(camera.state);
  }

  renderCounts() {
    const cameras = [...this.directory.cameras.values()];
    const online = cameras.filter((camera) => camera.state === 'online').length;
    this.summary.textContent = this.i18n.t('tree.online', { online, total: cameras.length });
    for (const group of this.list.querySelectorAll('.town')) {
      const inTown = this.directory.inTown(group.dataset.town);
      const up = inTown.filter((camera) => camera.state === 'online').length;
      group.querySelector('.town-count').textContent = `${up}/${inTown.length}`;
    }
  }
}

function note(text) {
  const el = document.createElement('div');
  el.className = 'tree-note';
  el.textContent = text;
  return el;
}
