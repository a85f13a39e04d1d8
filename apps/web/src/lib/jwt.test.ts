import { describe, expect, it } from 'vitest';
import { expiresSoon, tokenExpiry } from './jwt';

const encode = (value: object) =>
  btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const tokenWith = (payload: object) => `${encode({ alg: 'HS256' })}.${encode(payload)}.signature`;

describe('tokenExpiry', () => {
  it('reads exp from the payload', () => {
    expect(tokenExpiry(tokenWith({ sub: 'u', exp: 1_700_000_000 }))).toBe(1_700_000_000);
  });

  it('reads payloads that need base64url padding', () => {
    expect(tokenExpiry(tokenWith({ exp: 1, name: 'ä?>' }))).toBe(1);
  });

  it('is null for something that is not a JWT', () => {
    expect(tokenExpiry('opaque')).toBeNull();
    expect(tokenExpiry('a.%%%.c')).toBeNull();
    expect(tokenExpiry(tokenWith({ sub: 'no exp' }))).toBeNull();
  });
});

describe('expiresSoon', () => {
  const token = tokenWith({ exp: 1_000 });

  it('is false well before expiry', () => {
    expect(expiresSoon(token, 900_000)).toBe(false);
  });

  it('is true within the margin and after expiry', () => {
    expect(expiresSoon(token, 975_000)).toBe(true);
    expect(expiresSoon(token, 2_000_000)).toBe(true);
  });

  it('leaves an unreadable token to the server', () => {
    expect(expiresSoon('opaque', Date.now())).toBe(false);
  });
});
