// The admin's one way to the server: the same /v1 API programs use, signed in by the session cookie.
// Every request that changes something carries the CSRF token; requests name the shop being worked on.

export interface ApiIssue {
  field: string;
  message: string;
}

/** A refusal from the server, with its stable code and the fields at fault. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: ApiIssue[] = [],
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;
let shopId: number | null = null;

export function setSession(csrf: string | null, shop: number | null): void {
  csrfToken = csrf;
  shopId = shop;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["x-csrf-token"] = csrfToken;
  if (shopId !== null) headers["x-kizuna-shop"] = String(shopId);
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
  const text = await response.text();
  const json = text ? JSON.parse(text) : {};
  if (!response.ok) {
    const error = json?.error ?? {};
    throw new ApiError(
      response.status,
      error.code ?? "error",
      error.message ?? response.statusText,
      error.issues ?? [],
    );
  }
  return json as T;
}

export interface Shop {
  id: number;
  name: string;
  timezone: string;
  currency: string;
  locale: string;
  role: "owner" | "marketer" | "analyst";
}

export interface Me {
  user: { id: number; email: string; name: string; locale: string };
  shops: Shop[];
  csrfToken: string;
  expiresAt: string;
}
