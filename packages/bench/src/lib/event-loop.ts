// The event-loop delay of a process we run ourselves (the anchor servers), measured the way
// prom-client measures our server's (perf_hooks' histogram, 10 ms resolution, reset per read).
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface LoopDelay {
  /** Milliseconds. */
  p99: number;
  max: number;
}

export function eventLoopMonitor() {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  return {
    /** The delay since the previous read. */
    read(): LoopDelay {
      const delay = { p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6 };
      histogram.reset();
      return delay;
    },
  };
}
