// Plays recorded segments in a <video>: find the segment holding an instant, load it (HTTP
// range requests on the fragmented MP4), seek into it, and go on to the next one at its end.

export class SegmentPlayer extends EventTarget {
  constructor(video, cameraId) {
    super();
    this.video = video;
    this.cameraId = cameraId;
    this.segment = null;
    this.clip = null; // {start} while a clip plays instead
    video.addEventListener('ended', () => this.next());
    video.addEventListener('timeupdate', () => {
      const at = this.instant();
      if (at !== null) this.dispatchEvent(new CustomEvent('time', { detail: { at } }));
    });
  }

  /** The wall-clock instant on screen, or null. */
  instant() {
    const base = this.clip?.start ?? this.segment?.start;
    return base === undefined || base === null ? null : base + this.video.currentTime;
  }

  async locate(at) {
    const url = `/api/playback/${encodeURIComponent(this.cameraId)}/locate?at=${at}`;
    const response = await fetch(url);
    if (response.status === 404) return null;
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return response.json();
  }

  async playAt(at) {
    const segment = await this.locate(at);
    if (segment === null) {
      this.dispatchEvent(new CustomEvent('missing', { detail: { at } }));
      return false;
    }
    this.clip = null;
    await this.load(segment, Math.max(0, at - segment.start));
    return true;
  }

  load(segment, offset) {
    this.segment = segment;
    this.video.dataset.segment = String(segment.id);
    return this.start(segment.url, offset);
  }

  /** Play a finished clip (its URL carries the audited reason); `start` is its first frame. */
  playClip(url, start) {
    this.segment = null;
    this.clip = { start };
    this.video.dataset.segment = '';
    this.video.dataset.clip = url;
    return this.start(url, 0);
  }

  start(url, offset) {
    const video = this.video;
    return new Promise((resolve) => {
      const ready = () => {
        video.removeEventListener('loadedmetadata', ready);
        if (offset > 0) video.currentTime = Math.min(offset, (video.duration || offset + 1) - 0.05);
        video.play().catch(() => {});
        resolve();
      };
      video.addEventListener('loadedmetadata', ready);
      video.src = url;
    });
  }

  async next() {
    if (this.segment === null || this.segment.end === null) return;
    const following = await this.locate(this.segment.end + 0.05);
    if (following && following.id !== this.segment.id) await this.load(following, 0);
  }
}
