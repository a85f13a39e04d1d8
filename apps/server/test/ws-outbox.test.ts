// The outbox on real sockets, without the chat around it: shared frames written as finished
// WebSocket messages arrive as the text they hold (every length encoding), among ws's own text
// frames and in order; and a fan-out too big for one slice of the event loop is written over
// several turns, I/O running in between, every socket still getting all of its frames in order.
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { Outbox } from '../src/ws/outbox.js';
import { textMessage } from '../src/ws/wire.js';

interface Pair {
  outbox: Outbox;
  /** What the client received, in order, with whether it came as binary. */
  received: { text: string; binary: boolean }[];
  client: WebSocket;
}

let server: WebSocketServer | undefined;

afterEach(async () => {
  for (const client of server?.clients ?? []) client.terminate();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** `count` connected sockets, each with an outbox on the server side. */
async function pairs(count: number, maxBufferedBytes = 16 * 1024 * 1024): Promise<Pair[]> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  server = wss;
  await new Promise((resolve) => wss.once('listening', resolve));
  const { port } = wss.address() as AddressInfo;
  const accepted: Outbox[] = [];
  wss.on('connection', (socket, request) => {
    accepted.push(new Outbox(socket, request.socket, maxBufferedBytes, () => {}));
  });
  const result: Pair[] = [];
  for (let i = 0; i < count; i++) {
    const client = new WebSocket(`ws://127.0.0.1:${port}`);
    const received: Pair['received'] = [];
    client.on('message', (data: Buffer, binary) =>
      received.push({ text: data.toString(), binary }),
    );
    await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject));
    while (accepted.length <= i) await new Promise((resolve) => setImmediate(resolve));
    result.push({ outbox: accepted[i] as Outbox, received, client });
  }
  return result;
}

async function until(done: () => boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('Outbox', () => {
  it('writes shared frames as the WebSocket messages of their text, in order with text frames', async () => {
    const [pair] = await pairs(1);
    if (!pair) throw new Error('no socket');
    // each length encoding of RFC 6455 (7 bits, 16 bits, 64 bits) and the edges between them,
    // in bytes: 42 characters of three bytes each are past the 7-bit length
    const texts = [
      ...[0, 1, 125, 126, 127, 65_535, 65_536, 200_000].map((length) => 'x'.repeat(length)),
      '€'.repeat(42),
    ];
    const expected: string[] = [];
    for (const [i, text] of texts.entries()) {
      pair.outbox.push(textMessage(text));
      pair.outbox.push(`own ${i}`);
      expected.push(text, `own ${i}`);
    }
    await until(() => pair.received.length === expected.length);
    expect(pair.received.map((frame) => frame.text)).toEqual(expected);
    expect(pair.received.some((frame) => frame.binary)).toBe(false);
  });

  it('writes a large fan-out over several turns, letting timers and I/O run in between', async () => {
    const sockets = await pairs(200);
    const frames = Array.from({ length: 40 }, (_, i) =>
      textMessage(JSON.stringify({ seq: i + 1, content: 'y'.repeat(2_000) })),
    );
    for (const frame of frames) for (const { outbox } of sockets) outbox.push(frame);
    // a timer set now fires on the next turn: some sockets' frames are still to be written then
    const waitingWhenTimerRan = await new Promise<number>((resolve) =>
      setTimeout(() => resolve(sockets.filter((s) => s.outbox.queuedFrames > 0).length), 0),
    );
    expect(waitingWhenTimerRan).toBeGreaterThan(0);
    expect(waitingWhenTimerRan).toBeLessThan(sockets.length);
    await until(() => sockets.every((s) => s.received.length === frames.length));
    for (const { received } of sockets)
      expect(received.map((frame) => (JSON.parse(frame.text) as { seq: number }).seq)).toEqual(
        frames.map((_, i) => i + 1),
      );
  });
});
