// The ping round over every open /ws socket, spread over turns of the event loop: a ping is a
// write of its own, and thousands at once would hold the loop (and every delivery) for tens of
// milliseconds once an interval.

export interface Pingable {
  heartbeat(): void;
}

/** Sockets pinged in one turn of the event loop. */
export const pingsPerTurn = 200;

/** Calls `heartbeat` on each connection, `perTurn` of them a turn, the rest after the I/O. */
export function pingInTurns(connections: readonly Pingable[], perTurn = pingsPerTurn, from = 0) {
  const until = Math.min(from + perTurn, connections.length);
  for (let i = from; i < until; i++) connections[i]?.heartbeat();
  if (until < connections.length) setImmediate(() => pingInTurns(connections, perTurn, until));
}
