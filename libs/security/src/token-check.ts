/** The outcome of checking a presented bearer token; `reason` is for logs and never holds the token. */
export type TokenCheck = { ok: true } | { ok: false; reason: string; unavailable?: boolean };
