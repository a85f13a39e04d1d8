// GET /metrics: Prometheus text with the process's, HTTP's, sockets' and messages' metrics, and
// guarded by METRICS_TOKEN when that is set.
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createChannel,
  expectError,
  registerUser,
  sendMessage,
  type RegisteredUser,
} from './helpers.js';
import {
  closeAllClients,
  ofType,
  startTestServer,
  WsClient,
  type TestServer,
} from './ws-client.js';

// A sample line of the text format: name, optional {labels}, value (and an optional timestamp).
// prom-client writes a gauge that has no sample yet as "Nan"
const sampleLine =
  /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? (-?[0-9.e+-]+|NaN|Nan|[+-]Inf)( -?\d+)?$/;

/** Parses the Prometheus text format strictly enough to fail on anything malformed. */
function parseMetrics(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || /^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$/.test(line)) continue;
    expect(line).toMatch(sampleLine);
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

async function scrape(app: FastifyInstance, headers: Record<string, string> = {}) {
  const response = await app.inject({ method: 'GET', url: '/metrics', headers });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseMetrics(response.body);
}

describe('GET /metrics', () => {
  let server: TestServer;
  let alice: RegisteredUser;
  let bob: RegisteredUser;
  beforeAll(async () => {
    server = await startTestServer('pglite');
    [alice, bob] = await Promise.all([registerUser(server.app), registerUser(server.app)]);
  });
  afterEach(closeAllClients);
  afterAll(() => server.close());

  it('serves process, HTTP and socket metrics as Prometheus text', async () => {
    await server.app.inject({ method: 'GET', url: '/healthz' });
    const socket = await WsClient.ready(server, alice.accessToken);
    const samples = await scrape(server.app);
    expect(samples.get('process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(samples.get('nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(
      samples.get(
        'chat_http_request_duration_seconds_count{method="GET",route="/healthz",status="200"}',
      ),
    ).toBeGreaterThanOrEqual(1);
    expect(samples.get('chat_open_sockets{transport="ws"}')).toBeGreaterThanOrEqual(1);
    expect(samples.has('chat_open_sockets{transport="trpc-ws"}')).toBe(true);
    await socket.close();
  });

  it('counts a sent message, its delivery and its latencies', async () => {
    const channel = await createChannel(server.app, alice, { memberIds: [bob.id] });
    const watcher = await WsClient.ready(server, bob.accessToken);
    const sent = 'chat_messages_sent_total{author="user"}';
    const delivered = 'chat_message_deliveries_total{transport="ws"}';
    const committed = 'chat_message_send_to_commit_seconds_count';
    const before = await scrape(server.app);

    await sendMessage(server.app, alice, channel.id, 'counted');
    await watcher.next(ofType('message', { channel: channel.id }));

    const after = await scrape(server.app);
    expect((after.get(sent) ?? 0) - (before.get(sent) ?? 0)).toBe(1);
    expect((after.get(delivered) ?? 0) - (before.get(delivered) ?? 0)).toBeGreaterThanOrEqual(1);
    expect((after.get(committed) ?? 0) - (before.get(committed) ?? 0)).toBe(1);
    expect(
      after.get('chat_message_commit_to_deliver_seconds_count{transport="ws"}'),
    ).toBeGreaterThanOrEqual(1);
    // a route's pattern is its label, not the URL with its ids
    expect(
      after.get(
        'chat_http_request_duration_seconds_count{method="POST",route="/api/channels/:id/messages",status="201"}',
      ),
    ).toBeGreaterThanOrEqual(1);
  });
});

describe('GET /metrics with METRICS_TOKEN', () => {
  let server: TestServer;
  const token = 'metrics-token-0123456789';
  beforeAll(async () => {
    server = await startTestServer('pglite', { env: { METRICS_TOKEN: token } });
  });
  afterAll(() => server.close());

  it('answers 401 without the token or with a wrong one, 200 with it', async () => {
    const get = (headers: Record<string, string> = {}) =>
      server.app.inject({ method: 'GET', url: '/metrics', headers });
    expectError(await get(), 401, 'UNAUTHORIZED');
    expectError(await get({ authorization: 'Bearer wrong' }), 401, 'UNAUTHORIZED');
    expectError(await get({ authorization: `Bearer ${token}x` }), 401, 'UNAUTHORIZED');
    const samples = await scrape(server.app, { authorization: `Bearer ${token}` });
    expect(samples.size).toBeGreaterThan(10);
  });
});
