// The camera directory: towns and cameras with their health, refreshed by polling.
// Dispatches 'change' after every successful refresh and 'error' when one fails.

import { api } from './api.js';

export class Directory extends EventTarget {
  constructor(pollMs) {
    super();
    this.pollMs = pollMs;
    this.towns = [];
    this.cameras = new Map(); // id -> camera, in config order
    this.loaded = false;
    this.failed = false;
    this.timer = null;
  }

  start() {
    const tick = async () => {
      await this.refresh();
      this.timer = setTimeout(tick, this.pollMs);
    };
    tick();
  }

  async refresh() {
    try {
      const [towns, cameras] = await Promise.all([api.towns(), api.cameras()]);
      this.towns = towns;
      this.cameras = new Map(cameras.map((camera) => [camera.id, camera]));
      this.loaded = true;
      this.failed = false;
      this.dispatchEvent(new Event('change'));
    } catch (error) {
      this.failed = true;
      this.dispatchEvent(new CustomEvent('error', { detail: error }));
    }
  }

  get(id) {
    return this.cameras.get(id) ?? null;
  }

  /** Cameras of a town, in config order. */
  inTown(townId) {
    return [...this.cameras.values()].filter((camera) => camera.town === townId);
  }

  /** The stream a tile should play: the wanted role when the camera has it, else main. */
  roleFor(id, wanted) {
    const camera = this.get(id);
    if (!camera) return wanted;
    return camera.streams.some((s) => s.stream === wanted) ? wanted : 'main';
  }
}
