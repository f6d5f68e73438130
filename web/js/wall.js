// The video wall: an n×n grid of tiles (1/4/9/16/25). Cameras arrive by drag and drop or by
// click (next free tile, else the selected one); tiles swap by dragging; a double-click
// enlarges one tile to the whole wall on the main stream. Walls of 4+ tiles play sub-streams
// (also 4: four main streams would cost 4x the bandwidth for little visible gain); a single
// or enlarged tile plays the main stream. The arrangement is remembered in localStorage.

import { Tile } from './tile.js';
import { CAMERA_MIME } from './tree.js';

export const GRIDS = [1, 4, 9, 16, 25];
const TILE_MIME = 'application/x-vgw-tile';
const STORAGE_KEY = 'vgw.wall';

export class Wall extends EventTarget {
  constructor(root, ctx) {
    super();
    this.root = root;
    this.ctx = ctx;
    this.tiles = [];
    this.grid = 0;
    this.selected = 0;
    this.enlarged = null;
    ctx.directory.addEventListener('change', () => {
      for (const tile of this.tiles) tile.onDirectory();
    });
    ctx.i18n.addEventListener('change', () => this.tiles.forEach((tile) => tile.render()));
    ctx.settings.addEventListener('change', () => this.tiles.forEach((tile) => tile.player?.restart()));
    root.addEventListener('dblclick', (event) => {
      const tile = this.tileAt(event.target);
      if (tile?.cameraId) this.toggleEnlarge(tile.index);
    });
    root.addEventListener('click', (event) => this.onClick(event));
    root.addEventListener('dragstart', (event) => {
      const tile = this.tileAt(event.target);
      if (!tile?.cameraId) return;
      event.dataTransfer.setData(TILE_MIME, String(tile.index));
      event.dataTransfer.effectAllowed = 'move';
    });
    root.addEventListener('dragover', (event) => {
      const tile = this.tileAt(event.target);
      if (!tile) return;
      event.preventDefault();
      this.markDrop(tile);
    });
    root.addEventListener('dragleave', (event) => {
      if (!root.contains(event.relatedTarget)) this.markDrop(null);
    });
    root.addEventListener('drop', (event) => this.onDrop(event));
  }

  tileAt(target) {
    const el = target.closest?.('.tile');
    return el ? this.tiles[Number(el.dataset.index)] : null;
  }

  onClick(event) {
    const tile = this.tileAt(event.target);
    if (!tile) return;
    if (event.target.closest('.btn-close')) {
      if (this.enlarged === tile.index) this.toggleEnlarge(tile.index);
      this.assign(tile.index, null);
      return;
    }
    this.select(tile.index);
  }

  onDrop(event) {
    event.preventDefault();
    this.markDrop(null);
    const tile = this.tileAt(event.target);
    if (!tile) return;
    const camera = event.dataTransfer.getData(CAMERA_MIME);
    const from = event.dataTransfer.getData(TILE_MIME);
    if (camera) this.assign(tile.index, camera);
    else if (from !== '') this.swap(Number(from), tile.index);
    this.select(tile.index);
  }

  markDrop(tile) {
    for (const t of this.tiles) t.el.classList.toggle('drop-target', t === tile);
  }

  select(index) {
    this.selected = index;
    this.tiles.forEach((tile) => tile.el.classList.toggle('selected', tile.index === index));
  }

  roleFor(index, cameraId) {
    const wanted = this.grid === 1 || this.enlarged === index ? 'main' : 'sub';
    return cameraId ? this.ctx.directory.roleFor(cameraId, wanted) : wanted;
  }

  setGrid(n, cameras = null) {
    if (!GRIDS.includes(n)) return;
    if (this.enlarged !== null) this.toggleEnlarge(this.enlarged);
    const keep = cameras ?? this.tiles.map((tile) => tile.cameraId);
    while (this.tiles.length > n) this.tiles.pop().destroy();
    while (this.tiles.length < n) {
      const tile = new Tile(this.tiles.length, this.ctx);
      this.tiles.push(tile);
      this.root.append(tile.el);
    }
    this.grid = n;
    const side = Math.sqrt(n);
    this.root.style.setProperty('--side', String(side));
    this.root.dataset.grid = String(n);
    this.tiles.forEach((tile, i) => {
      const id = keep[i] ?? null;
      tile.el.draggable = Boolean(id);
      tile.setCamera(id, this.roleFor(i, id));
    });
    this.select(Math.min(this.selected, n - 1));
    this.changed();
  }

  assign(index, cameraId) {
    const tile = this.tiles[index];
    if (!tile) return;
    tile.el.draggable = Boolean(cameraId);
    tile.setCamera(cameraId, this.roleFor(index, cameraId));
    this.changed();
  }

  swap(a, b) {
    if (a === b || !this.tiles[a] || !this.tiles[b]) return;
    const [first, second] = [this.tiles[a].cameraId, this.tiles[b].cameraId];
    this.assign(a, second);
    this.assign(b, first);
  }

  /** Click in the tree: the next free tile, else the selected one. Returns the index used. */
  fillNext(cameraId) {
    let index = this.tiles.findIndex((tile) => !tile.cameraId);
    if (index < 0) index = this.selected;
    this.assign(index, cameraId);
    this.select(index);
    return index;
  }

  /** Bring a camera to the operator's eye: select its tile, or put it in the next free one. */
  show(cameraId) {
    const index = this.tiles.findIndex((tile) => tile.cameraId === cameraId);
    if (index >= 0) this.select(index);
    else this.fillNext(cameraId);
  }

  toggleEnlarge(index) {
    const restoring = this.enlarged === index;
    this.enlarged = restoring ? null : index;
    this.root.classList.toggle('has-enlarged', !restoring);
    this.tiles.forEach((tile) => {
      tile.el.classList.toggle('enlarged', tile.index === this.enlarged);
      tile.setSuspended(this.enlarged !== null && tile.index !== this.enlarged);
      if (tile.cameraId) tile.setRole(this.roleFor(tile.index, tile.cameraId));
    });
  }

  clear() {
    this.tiles.forEach((tile, i) => this.assign(i, null));
  }

  /** The wall as a layout document: {grid, tiles}. */
  get layout() {
    return { grid: this.grid, tiles: this.tiles.map((tile) => tile.cameraId) };
  }

  load(layout) {
    const grid = GRIDS.includes(layout?.grid) ? layout.grid : 4;
    this.setGrid(grid, layout?.tiles ?? []);
  }

  restore() {
    let saved = null;
    try {
      saved = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null');
    } catch {
      saved = null;
    }
    this.load(saved ?? { grid: 4, tiles: [] });
  }

  changed() {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(this.layout));
    this.dispatchEvent(new Event('change'));
  }

  toggleFullscreen() {
    if (document.fullscreenElement) return document.exitFullscreen();
    return this.root.requestFullscreen();
  }
}
