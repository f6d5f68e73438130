// Why a transport could not play. `kind` drives the player's next step:
// unsupported -> codec tile, no fallback; offline/notfound -> back off and retry;
// timeout/failed -> on auto, fall back to the other transport.

export class PlayError extends Error {
  constructor(kind, message, extra = {}) {
    super(message);
    this.kind = kind;
    this.codec = extra.codec ?? null;
  }
}

/** Map an HTTP error answer of the relay to a PlayError. */
export async function playErrorFrom(response) {
  let body = {};
  try {
    body = await response.json();
  } catch {
    body = {};
  }
  const detail = body.detail ?? body.error ?? `HTTP ${response.status}`;
  if (response.status === 415 || body.error === 'codec_not_supported') {
    return new PlayError('unsupported', detail, { codec: body.codec });
  }
  if (response.status === 404) return new PlayError('notfound', detail);
  if (response.status === 503) return new PlayError('offline', detail);
  return new PlayError('failed', detail);
}

/** Resolve `promise`, or reject with a timeout PlayError after `ms`. */
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new PlayError('timeout', `${what}: no result in ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves once `video` has decoded a picture (works for detached elements too). */
export function firstFrame(video, isClosed) {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (isClosed()) reject(new PlayError('failed', 'closed'));
      else if (video.readyState >= 2 && video.videoWidth > 0) resolve();
      else setTimeout(check, 100);
    };
    check();
  });
}
