// The ping round spread over turns of the event loop: every connection is pinged once a round,
// in order, at most `perTurn` of them in one turn before the loop gets to its I/O again.
import { describe, expect, it } from 'vitest';
import { pingInTurns } from '../src/ws/heartbeat.js';

describe('pingInTurns', () => {
  it('pings each connection once, in order, a bounded number a turn', async () => {
    let turn = 0;
    const turnsOf: number[] = [];
    const connections = Array.from({ length: 1_050 }, (_, i) => ({
      heartbeat: () => void (turnsOf[i] = turn),
    }));
    // counts the turns of the event loop (an immediate each turn)
    let counting = true;
    const tick = () => {
      turn++;
      if (counting) setImmediate(tick);
    };
    setImmediate(tick);
    pingInTurns(connections, 200);
    expect(turnsOf.filter((t) => t !== undefined)).toHaveLength(200);
    await new Promise<void>((resolve) => {
      const check = () => (turnsOf.length === 1_050 ? resolve() : setImmediate(check));
      check();
    });
    counting = false;
    expect(turnsOf.every((t) => t !== undefined)).toBe(true);
    // in order, and never more than 200 in one turn
    expect([...turnsOf].sort((a, b) => a - b)).toEqual(turnsOf);
    const perTurn = new Map<number, number>();
    for (const t of turnsOf) perTurn.set(t, (perTurn.get(t) ?? 0) + 1);
    expect(Math.max(...perTurn.values())).toBeLessThanOrEqual(200);
    expect(perTurn.size).toBeGreaterThan(1);
  });
});
