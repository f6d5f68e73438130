// The hook the live wall uses for "record this" (a tile button): make a ticket with the last
// `seconds` of a camera, clipped and held. Also the URL of a camera's playback page.
//
//   import { recordThis, playbackUrl } from './playback-record.js';
//   const { ticket_id, clip_id, clip_error } = await recordThis('cam001', { seconds: 30 });

import { postJson } from './playback-i18n.js';

export function recordThis(cameraId, { seconds = 30, category = '视频巡查发现', description = '', priority = 'normal' } = {}) {
  return postJson('/api/tickets/from-live', { camera_id: cameraId, seconds, category, description, priority });
}

export function playbackUrl(cameraId, at = null) {
  const query = new URLSearchParams({ camera: cameraId });
  if (at !== null) query.set('at', String(at));
  return `/playback.html?${query}`;
}
