// The query API, on the same origin: the browser sends the session cookie,
// and the server checks that requests which change something come from its
// own pages. Every page reads its numbers here, so it shows what the API says.

class APIError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function request(method, path, { params, body, signal } = {}) {
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(params ?? {})) {
    if (Array.isArray(v)) v.forEach((x) => url.searchParams.append(k, x));
    else if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, v);
  }
  const init = { method, signal, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['Content-Type'] = 'application/json';
  }
  let resp;
  try {
    resp = await fetch(url, init);
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new APIError(0, `Waymark did not answer (${err.message}). Is the server running?`);
  }
  if (resp.status === 401) {
    signIn();
    throw new APIError(401, 'Your session has ended: sign in again.');
  }
  if (resp.status === 204) return null;
  const text = await resp.text();
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    throw new APIError(resp.status, `${method} ${url.pathname} answered ${resp.status} without JSON`);
  }
  if (!resp.ok) throw new APIError(resp.status, data?.error ?? `${method} ${url.pathname} answered ${resp.status}`);
  return data;
}

// signIn sends the browser to the sign-in form, which brings it back here.
function signIn() {
  location.assign(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
}

export const get = (path, params, opts) => request('GET', path, { ...opts, params });
export const post = (path, body, opts) => request('POST', path, { ...opts, body });
export const put = (path, body, opts) => request('PUT', path, { ...opts, body });
export const del = (path, opts) => request('DELETE', path, opts);

// path builds an API path from parts, escaping each: path('journeys', id, 'report').
export const path = (...parts) => `/api/v1/${parts.map(encodeURIComponent).join('/')}`;
