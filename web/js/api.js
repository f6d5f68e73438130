// The gateway's HTTP API, as the UI uses it. Errors carry the server's {error, detail}.

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.detail ?? body?.error ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.error ?? null;
    this.body = body ?? {};
  }
}

async function request(method, url, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(url, init);
  if (response.status === 401) {
    // not signed in (or the session ended): the sign-in page brings the officer back here
    location.href = `/login?next=${encodeURIComponent(location.pathname + location.search)}`;
    throw new ApiError(401, { error: 'unauthorized' });
  }
  if (response.status === 204) return null;
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

export const api = {
  cameras: () => request('GET', '/api/cameras'),
  towns: () => request('GET', '/api/towns'),
  layouts: () => request('GET', '/api/layouts'),
  saveLayout: (name, grid, tiles) =>
    request('PUT', `/api/layouts/${encodeURIComponent(name)}`, { grid, tiles }),
  deleteLayout: (name) => request('DELETE', `/api/layouts/${encodeURIComponent(name)}`),
  me: () => request('GET', '/api/auth/me'),
  logout: () => request('POST', '/api/auth/logout'),
};
