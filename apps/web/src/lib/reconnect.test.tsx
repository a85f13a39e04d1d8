import { act, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConnectionBanner } from '../components/connection-banner';
import { connectionStore } from './connection-store';
import { createReconnectGate, maxDelayMs, reconnectDelay } from './reconnect';

describe('reconnectDelay', () => {
  it('starts near half a second, doubles, and stops at five seconds', () => {
    const middle = () => 0.5;
    expect([0, 1, 2, 3, 4, 5, 10].map((attempt) => reconnectDelay(attempt, middle))).toEqual([
      500, 1000, 2000, 4000, 5000, 5000, 5000,
    ]);
  });

  it('jitters each delay by up to a fifth either way, never past the cap', () => {
    expect(reconnectDelay(0, () => 0)).toBe(400);
    expect(reconnectDelay(0, () => 1)).toBe(600);
    expect(reconnectDelay(4, () => 1)).toBe(maxDelayMs);
    const seen = new Set(Array.from({ length: 50 }, () => reconnectDelay(1)));
    expect(seen.size).toBeGreaterThan(1);
    for (const delay of seen) expect(delay).toBeGreaterThanOrEqual(800);
  });
});

describe('the reconnect gate', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const settled = (promise: Promise<void>) => {
    let done = false;
    void promise.then(() => (done = true));
    return () => done;
  };

  it('lets the first connection through at once', async () => {
    const gate = createReconnectGate(() => 0.5);
    const done = settled(gate.beforeAttempt());
    await vi.advanceTimersByTimeAsync(0);
    expect(done()).toBe(true);
  });

  it('waits longer after each failed attempt, and from the start again once connected', async () => {
    const gate = createReconnectGate(() => 0.5);
    await gate.beforeAttempt();
    gate.connected();
    gate.lost();

    const first = settled(gate.beforeAttempt());
    await vi.advanceTimersByTimeAsync(499);
    expect(first()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(first()).toBe(true);

    // that attempt failed too: the next waits twice as long
    const second = settled(gate.beforeAttempt());
    await vi.advanceTimersByTimeAsync(999);
    expect(second()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(second()).toBe(true);

    gate.connected();
    gate.lost();
    const afterReconnect = settled(gate.beforeAttempt());
    await vi.advanceTimersByTimeAsync(500);
    expect(afterReconnect()).toBe(true);
  });

  it('counts a first connection that never opened as failed', async () => {
    const gate = createReconnectGate(() => 0.5);
    await gate.beforeAttempt();
    const retry = settled(gate.beforeAttempt());
    await vi.advanceTimersByTimeAsync(100);
    expect(retry()).toBe(false);
    await vi.advanceTimersByTimeAsync(400);
    expect(retry()).toBe(true);
  });

  it('tries at once when woken (back online, tab focused)', async () => {
    const gate = createReconnectGate(() => 0.5);
    await gate.beforeAttempt();
    gate.connected();
    gate.lost();
    for (let i = 0; i < 6; i += 1) {
      const waiting = gate.beforeAttempt();
      await vi.advanceTimersByTimeAsync(maxDelayMs);
      await waiting;
    }
    const long = settled(gate.beforeAttempt());
    await vi.advanceTimersByTimeAsync(10);
    expect(long()).toBe(false);
    gate.wake();
    await vi.advanceTimersByTimeAsync(0);
    expect(long()).toBe(true);
  });
});

describe('the connection banner', () => {
  afterEach(() => connectionStore.set('connecting'));

  it('shows only while the connection is lost, and says what happens to messages', () => {
    render(<ConnectionBanner />);
    expect(screen.queryByRole('status')).toBeNull();
    act(() => connectionStore.set('connected'));
    expect(screen.queryByRole('status')).toBeNull();
    act(() => connectionStore.set('reconnecting'));
    expect(screen.getByRole('status').textContent).toMatch(/Reconnecting/);
    act(() => connectionStore.set('connected'));
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('says "Offline" when the browser has no network', () => {
    const onLine = vi.spyOn(window.navigator, 'onLine', 'get').mockReturnValue(false);
    act(() => connectionStore.set('reconnecting'));
    render(<ConnectionBanner />);
    expect(screen.getByRole('status').textContent).toMatch(
      /^Offline — messages will be sent when you are back/,
    );
    onLine.mockRestore();
  });
});
