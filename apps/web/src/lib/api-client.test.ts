import { describe, expect, it } from 'vitest';
import { socketUrl } from './api-client';

describe('socketUrl', () => {
  it('follows the page: ws for http, wss for https, same host and port', () => {
    expect(socketUrl({ protocol: 'http:', host: '127.0.0.1:3000' })).toBe(
      'ws://127.0.0.1:3000/trpc',
    );
    expect(socketUrl({ protocol: 'https:', host: 'chat.example.com' })).toBe(
      'wss://chat.example.com/trpc',
    );
  });
});
