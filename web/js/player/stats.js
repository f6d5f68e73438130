// Per-tile playback figures, sampled once a second: bitrate and fps from counter deltas,
// latency estimated per transport (jitter buffer + half RTT for WebRTC, buffered end minus
// playhead for MSE).

export class StatsSampler {
  constructor() {
    this.previous = null;
  }

  async sample(session, video) {
    if (!session) return null;
    const now = performance.now();
    const current = session.kind === 'webrtc' ? await webrtcCounters(session.pc) : mseCounters(session, video);
    if (!current) return null;
    const prev = this.previous?.kind === session.kind && this.previous.session === session ? this.previous : null;
    this.previous = { ...current, kind: session.kind, session, at: now };
    const seconds = prev ? (now - prev.at) / 1000 : 0;
    const rate = (key) => (prev && seconds > 0 ? Math.max(0, current[key] - prev[key]) / seconds : null);
    let latencyMs = current.latencyMs ?? null;
    if (session.kind === 'webrtc') {
      const emitted = prev ? current.emitted - prev.emitted : 0;
      const delay = prev && emitted > 0 ? (current.jitterDelay - prev.jitterDelay) / emitted : current.emitted > 0 ? current.jitterDelay / current.emitted : null;
      latencyMs = delay === null ? null : delay * 1000 + (current.rttS ?? 0) * 500;
    }
    return {
      transport: session.kind === 'webrtc' ? 'WebRTC' : 'MSE',
      bitrateBps: rate('bytes') === null ? null : rate('bytes') * 8,
      fps: current.fps ?? rate('frames'),
      latencyMs,
      width: video.videoWidth,
      height: video.videoHeight,
      dropped: current.dropped ?? 0,
    };
  }
}

async function webrtcCounters(pc) {
  if (!pc) return null;
  const report = await pc.getStats();
  let inbound = null;
  let rttS = null;
  report.forEach((entry) => {
    if (entry.type === 'inbound-rtp' && entry.kind === 'video') inbound = entry;
    if (entry.type === 'candidate-pair' && entry.nominated && entry.currentRoundTripTime !== undefined) {
      rttS = entry.currentRoundTripTime;
    }
  });
  if (!inbound) return null;
  return {
    bytes: inbound.bytesReceived ?? 0,
    frames: inbound.framesDecoded ?? 0,
    fps: inbound.framesPerSecond ?? null,
    jitterDelay: inbound.jitterBufferDelay ?? 0,
    emitted: inbound.jitterBufferEmittedCount ?? 0,
    dropped: inbound.framesDropped ?? 0,
    rttS,
  };
}

function mseCounters(session, video) {
  const quality = video.getVideoPlaybackQuality?.();
  const ranges = video.buffered;
  const latencyMs = ranges.length ? Math.max(0, ranges.end(ranges.length - 1) - video.currentTime) * 1000 : null;
  return {
    bytes: session.bytes,
    frames: quality?.totalVideoFrames ?? 0,
    fps: null,
    dropped: quality?.droppedVideoFrames ?? 0,
    latencyMs,
  };
}

export function formatBitrate(bps) {
  if (bps === null || bps === undefined) return '—';
  if (bps >= 1e6) return `${(bps / 1e6).toFixed(2)} Mbps`;
  return `${Math.round(bps / 1e3)} kbps`;
}
