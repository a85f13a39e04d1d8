// Latencies recorded in HdrHistograms (microseconds), so workers in other processes can send
// theirs over IPC (compressed) and the coordinator merges them into one set of percentiles.
import * as hdr from 'hdr-histogram-js';

export interface Latency {
  count: number;
  /** Milliseconds. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export class LatencyRecorder {
  private histogram = hdr.build({ lowestDiscernibleValue: 1, numberOfSignificantValueDigits: 3 });

  /** One sample, in milliseconds. */
  record(ms: number): void {
    this.histogram.recordValue(Math.max(1, Math.round(ms * 1000)));
  }

  reset(): void {
    this.histogram.reset();
  }

  encode(): string {
    return hdr.encodeIntoCompressedBase64(this.histogram);
  }
}

/** The percentiles of every encoded histogram taken together. */
export function mergeLatencies(encoded: string[]): Latency {
  const total = hdr.build({ lowestDiscernibleValue: 1, numberOfSignificantValueDigits: 3 });
  for (const one of encoded) total.add(hdr.decodeFromCompressedBase64(one));
  const ms = (us: number) => Math.round(us) / 1000;
  return {
    count: total.totalCount,
    p50: ms(total.getValueAtPercentile(50)),
    p90: ms(total.getValueAtPercentile(90)),
    p99: ms(total.getValueAtPercentile(99)),
    max: ms(total.maxValue),
  };
}

/** A clock that agrees across processes on one machine: Unix milliseconds, sub-ms precision. */
export const now = () => performance.timeOrigin + performance.now();
