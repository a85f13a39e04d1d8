import { describe, expect, it } from 'vitest';
import { createThrottle, describeTypists } from './typing';

describe('createThrottle', () => {
  it('lets one call through per window', () => {
    let now = 0;
    const throttle = createThrottle(2_000, () => now);
    expect(throttle.take()).toBe(true);
    now = 500;
    expect(throttle.take()).toBe(false);
    now = 1_999;
    expect(throttle.take()).toBe(false);
    now = 2_000;
    expect(throttle.take()).toBe(true);
  });

  it('starts over after a reset (another channel)', () => {
    const throttle = createThrottle(2_000, () => 0);
    throttle.take();
    throttle.reset();
    expect(throttle.take()).toBe(true);
  });
});

describe('describeTypists', () => {
  const typist = (username: string) => ({ userId: username, username });

  it('says nothing when nobody types', () => {
    expect(describeTypists([])).toBe('');
  });

  it('names up to three people, then counts', () => {
    expect(describeTypists([typist('ann')])).toBe('ann is typing…');
    expect(describeTypists([typist('ann'), typist('bob')])).toBe('ann and bob are typing…');
    expect(describeTypists(['ann', 'bob', 'cy'].map(typist))).toBe('ann, bob and cy are typing…');
    expect(describeTypists(['ann', 'bob', 'cy', 'di'].map(typist))).toBe(
      'ann, bob and 2 others are typing…',
    );
  });
});
