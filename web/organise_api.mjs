// The organiser console's one way to the REST API (docs/API.md): every request carries
// `Authorization: Bearer {token}`, every answer is JSON, and every refusal, the
// `{"error": {"code", "message"}}` body, becomes a thrown ApiError the views show in plain
// words. A 401 also tells the shell (onUnauthorized) so it can sign the organiser out.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status; // HTTP status; 0 when the server could not be reached
    this.code = code; // the API's machine code: overlap, bad_state, not_found, …
  }
}

export function createApi({ token, onUnauthorized = () => {} }) {
  // `dryRun` adds ?dry_run=true: the answer is the preview, nothing is stored.
  // `file` (text) with `type` sends a file as it is (a caption file), instead of a JSON body.
  async function request(method, path, { body, dryRun = false, file, type } = {}) {
    const url = new URL(path, window.location.origin);
    if (dryRun) url.searchParams.set('dry_run', 'true');
    const headers = { accept: 'application/json', authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (file !== undefined) headers['content-type'] = type;
    let response;
    try {
      response = await fetch(url, {
        method,
        headers,
        cache: 'no-store',
        body: file ?? (body === undefined ? undefined : JSON.stringify(body)),
      });
    } catch (error) {
      throw new ApiError(0, 'network', String(error?.message ?? error));
    }
    const text = await response.text();
    let data;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    if (!response.ok) {
      const code = data?.error?.code ?? `http_${response.status}`;
      const message = data?.error?.message ?? `HTTP ${response.status}`;
      if (response.status === 401) onUnauthorized(message);
      throw new ApiError(response.status, code, message);
    }
    return data;
  }

  return {
    token,
    get: (path) => request('GET', path),
    post: (path, body, options = {}) => request('POST', path, { ...options, body }),
    put: (path, body, options = {}) => request('PUT', path, { ...options, body }),
    patch: (path, body, options = {}) => request('PATCH', path, { ...options, body }),
    delete: (path) => request('DELETE', path),
    putText: (path, file, type) => request('PUT', path, { file, type }),
  };
}
