// The circuit breaker of a store on its own: it opens only when the store itself fails to
// answer (a probe), answers SERVICE_UNAVAILABLE at once while open, and closes by itself.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { AppError, serviceUnavailable } from '@chat/api/server';
import { describe, expect, it } from 'vitest';
import { StoreBreaker } from '../src/store-breaker.js';

const unreachable = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
  code: 'ECONNREFUSED',
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A store that answers or not, as the test says. */
function store() {
  const state = { up: true, hang: false, probes: 0 };
  const probe = async () => {
    state.probes++;
    if (state.hang) return new Promise<void>(() => {});
    if (!state.up) throw unreachable;
  };
  return { state, probe };
}

describe('StoreBreaker', () => {
  it('stays closed when a failure was not the store being down, or the store still answers', async () => {
    const { state, probe } = store();
    const breaker = new StoreBreaker('The database', probe, { retryMs: 20 });
    breaker.report(new Error('a unique violation'));
    // another breaker's refusal says nothing of this store
    breaker.report(serviceUnavailable());
    expect(state.probes).toBe(0);
    breaker.report(unreachable);
    await sleep(20);
    expect(state.probes).toBe(1);
    expect(breaker.isOpen).toBe(false);
    expect(() => breaker.assertClosed()).not.toThrow();
    breaker.stop();
  });

  it('opens when the store is down, refuses at once with SERVICE_UNAVAILABLE, and closes when it is back', async () => {
    const { state, probe } = store();
    const changes: boolean[] = [];
    const breaker = new StoreBreaker('Redis', probe, {
      retryMs: 20,
      onChange: (open) => changes.push(open),
    });
    state.up = false;
    breaker.report(unreachable);
    await sleep(10);
    expect(breaker.isOpen).toBe(true);
    let refusal: unknown;
    try {
      breaker.assertClosed();
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(AppError);
    expect((refusal as AppError).code).toBe('SERVICE_UNAVAILABLE');
    expect((refusal as AppError).message).toMatch(/^Redis is unavailable/);
    state.up = true;
    for (let i = 0; i < 100 && breaker.isOpen; i++) await sleep(20);
    expect(breaker.isOpen).toBe(false);
    expect(changes).toEqual([true, false]);
    breaker.stop();
  });

  it('counts a probe that does not answer in time as down, and asks anew after it', async () => {
    const { state, probe } = store();
    const breaker = new StoreBreaker('The database', probe, { probeTimeoutMs: 50, retryMs: 20 });
    state.hang = true;
    const started = Date.now();
    expect(await breaker.check()).toBe(false);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(breaker.isOpen).toBe(true);
    // the hung probe is left behind: the next one reaches the store, which answers now
    state.hang = false;
    for (let i = 0; i < 100 && breaker.isOpen; i++) await sleep(20);
    expect(breaker.isOpen).toBe(false);
    expect(state.probes).toBeGreaterThan(1);
    breaker.stop();
  });

  it('counts an answer that came while the event loop was held up, not the timer that fired late', async () => {
    // the store: an echo server in a process of its own, which answers while this one is busy
    const echo = spawn(process.execPath, [
      '-e',
      `const s = require('node:net').createServer((c) => c.pipe(c)).listen(0, '127.0.0.1',
        () => console.log(s.address().port));`,
    ]);
    try {
      const [port] = (await once(echo.stdout, 'data')) as [Buffer];
      const socket = connect(Number(port.toString()), '127.0.0.1');
      await once(socket, 'connect');
      const probe = () => {
        const answered = once(socket, 'data').then(() => {});
        socket.write('ping');
        return answered;
      };
      const breaker = new StoreBreaker('The database', probe, { probeTimeoutMs: 100 });
      const checked = breaker.check();
      // a busy turn ten times the probe's timeout: the answer is in before the timer runs
      const until = Date.now() + 1000;
      while (Date.now() < until);
      expect(await checked).toBe(true);
      expect(breaker.isOpen).toBe(false);
      breaker.stop();
      socket.destroy();
    } finally {
      echo.kill();
    }
  });
});
