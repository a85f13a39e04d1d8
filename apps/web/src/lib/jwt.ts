// Reads an access token's expiry without verifying it: only to refresh before the server says no.

/** Seconds since the epoch at which the JWT expires, or null if it has no readable `exp`. */
export function tokenExpiry(token: string): number | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const json: unknown = JSON.parse(
      atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '=')),
    );
    if (typeof json === 'object' && json !== null && 'exp' in json && typeof json.exp === 'number')
      return json.exp;
  } catch {
    // not a JWT we can read: let the server decide
  }
  return null;
}

/** True if the token expires within `marginMs` of `nowMs` (an unreadable token is left to the server). */
export function expiresSoon(token: string, nowMs: number, marginMs = 30_000): boolean {
  const exp = tokenExpiry(token);
  return exp !== null && exp * 1000 - marginMs <= nowMs;
}
