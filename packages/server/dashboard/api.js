// Calls to the gateway's HTTP API, with the key the operator entered (kept in this tab only).

const apiPath = document.querySelector('meta[name="herald-api"]').content;
const keyStorage = 'herald-api-key';

/** A refusal from the API: its HTTP status and, when it sent one, its stable code (`WS_…`). */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.code;
  }
}

export function isUnauthorized(error) {
  return error instanceof ApiError && error.status === 401;
}

export function isNotFound(error) {
  return error instanceof ApiError && error.status === 404;
}

export const apiKey = {
  set: (key) => sessionStorage.setItem(keyStorage, key),
  forget: () => sessionStorage.removeItem(keyStorage),
};

/** GET `path` (with its query), or POST `body` as JSON when one is given; the answer's JSON. */
export async function api(path, body) {
  const headers = {};
  const key = sessionStorage.getItem(keyStorage);
  if (key) headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${apiPath}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json().catch(() => undefined);
  if (!response.ok) throw new ApiError(response.status, answer);
  return answer;
}

/** A query string from the fields that have a value: `?channel=a%3Ab&limit=20`. */
export function query(fields) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    if (value !== undefined && value !== '') params.set(name, String(value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}
