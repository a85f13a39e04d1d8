import { describe, expect, it } from 'vitest';
import { channelPath, parseRoute } from './route';

describe('parseRoute', () => {
  it('reads a channel route', () => {
    expect(parseRoute('/channels/abc')).toEqual({ name: 'channel', channelId: 'abc' });
    expect(parseRoute('/channels/abc/')).toEqual({ name: 'channel', channelId: 'abc' });
  });

  it('reads anything else as home', () => {
    expect(parseRoute('/')).toEqual({ name: 'home' });
    expect(parseRoute('/channels/')).toEqual({ name: 'home' });
    expect(parseRoute('/elsewhere')).toEqual({ name: 'home' });
  });

  it('round-trips ids through channelPath', () => {
    const id = '6f1c2d3e-0000-4000-8000-000000000001';
    expect(parseRoute(channelPath(id))).toEqual({ name: 'channel', channelId: id });
  });
});
