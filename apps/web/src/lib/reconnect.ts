// When the socket tries again after losing the server: soon at first (~0.5 s), then doubling up
// to 5 s, each delay jittered so a restarted server is not hit by every client at once. A wake
// (the browser is back online, the tab got focus) skips the wait.

export const firstDelayMs = 500;
export const maxDelayMs = 5_000;

/** The wait before reconnect attempt `attempt` (0-based): ±20 % around 0.5 s · 2^attempt, ≤ 5 s. */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(maxDelayMs, firstDelayMs * 2 ** attempt);
  return Math.min(maxDelayMs, Math.round(base * (0.8 + 0.4 * random())));
}

export interface ReconnectGate {
  /** Resolves when a connection attempt may start: at once, unless the socket was lost or the last attempt failed. */
  beforeAttempt(): Promise<void>;
  /** The socket is open: the next loss starts from the shortest delay again. */
  connected(): void;
  /** The open socket closed: attempts from now on wait. */
  lost(): void;
  /** Ends the current wait at once. */
  wake(): void;
  /** How many attempts have waited since the socket was last open. */
  readonly attempts: number;
}

export function createReconnectGate(random: () => number = Math.random): ReconnectGate {
  let down = false;
  /** An attempt started and the socket has not opened since: a next attempt means it failed. */
  let inFlight = false;
  let attempts = 0;
  let wakeWaiting: (() => void) | null = null;

  return {
    beforeAttempt() {
      if (inFlight) down = true;
      inFlight = true;
      if (!down) return Promise.resolve();
      const delay = reconnectDelay(attempts, random);
      attempts += 1;
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          if (wakeWaiting === done) wakeWaiting = null;
          resolve();
        };
        const timer = setTimeout(done, delay);
        wakeWaiting = done;
      });
    },
    connected() {
      inFlight = false;
      down = false;
      attempts = 0;
    },
    lost() {
      down = true;
    },
    wake() {
      wakeWaiting?.();
    },
    get attempts() {
      return attempts;
    },
  };
}
