/**
 * The phone's HTTP client for /api/v1: bearer token, never cookies, a timeout, and the
 * server's one error envelope turned into an ``ApiError``.
 */
import { getMeta } from "./db.js";

export const DEFAULT_TIMEOUT_MS = 20000;

export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || `HTTP ${status}`);
    this.status = status;
    this.code = error.code || null;
    this.details = error.details || {};
    this.retryAfter = null;
  }
}

/** The network failed or the server took too long: nothing is known about the request. */
export class NetworkError extends Error {}

export async function request(path, { method = "GET", json, body, token, headers = {}, timeoutMs } = {}) {
  const limit = timeoutMs || (await getMeta("request_timeout_ms", DEFAULT_TIMEOUT_MS));
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), limit);
  const init = { method, credentials: "omit", cache: "no-store", headers: { ...headers }, signal: controller.signal };
  if (token) init.headers.Authorization = `Bearer ${token}`;
  if (json !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(json);
  } else if (body !== undefined) {
    init.body = body;
  }
  let response;
  let data = null;
  try {
    response = await fetch(path, init);
    const text = await response.text();
    if (text) {
      try { data = JSON.parse(text); } catch (err) { data = null; }
    }
  } catch (err) {
    throw new NetworkError(String(err && err.message || err));
  } finally {
    clearTimeout(timer);
  }
  if (!response.ok) {
    const error = new ApiError(response.status, data);
    error.retryAfter = Number(response.headers.get("Retry-After")) || null;
    throw error;
  }
  return data;
}
