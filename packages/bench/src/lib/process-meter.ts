// CPU and resident memory of a process, sampled from /proc (Linux) while a scenario runs: the
// same measure for our server and for every anchor server.
import { readFileSync } from 'node:fs';

const ticksPerSecond = 100; // USER_HZ, 100 on every Linux the bench runs on
const pageBytes = 4096;

interface Sample {
  cpuSeconds: number;
  rssBytes: number;
}

function sample(pid: number): Sample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the fields after the command name, which is in parentheses and may hold spaces
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const rssPages = Number(fields[21]);
    return { cpuSeconds: (utime + stime) / ticksPerSecond, rssBytes: rssPages * pageBytes };
  } catch {
    return undefined; // not Linux, or the process is gone
  }
}

export interface ProcessUsage {
  /** Average CPU over the window, in % of one core. */
  cpuPercent: number;
  /** Peak resident set size in the window, MiB. */
  rssMiB: number;
}

/** Watches the processes `pids` (summed) from start() until stop(). */
export class ProcessMeter {
  private first: Sample[] = [];
  private startedAt = 0;
  private peakRss = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly pids: number[]) {}

  start(): void {
    this.first = this.pids.map((pid) => sample(pid) ?? { cpuSeconds: 0, rssBytes: 0 });
    this.startedAt = performance.now();
    this.peakRss = this.rss();
    this.timer = setInterval(() => (this.peakRss = Math.max(this.peakRss, this.rss())), 250);
  }

  stop(): ProcessUsage {
    clearInterval(this.timer);
    const seconds = (performance.now() - this.startedAt) / 1000;
    const cpu = this.pids.reduce((sum, pid, i) => {
      const last = sample(pid);
      return sum + (last ? last.cpuSeconds - (this.first[i]?.cpuSeconds ?? 0) : 0);
    }, 0);
    this.peakRss = Math.max(this.peakRss, this.rss());
    return {
      cpuPercent: Math.round((cpu / Math.max(seconds, 0.001)) * 100),
      rssMiB: Math.round(this.peakRss / 2 ** 20),
    };
  }

  private rss(): number {
    return this.pids.reduce((sum, pid) => sum + (sample(pid)?.rssBytes ?? 0), 0);
  }
}

/** Resident memory of one process now, MiB. */
export function rssMiB(pid: number): number {
  return Math.round((sample(pid)?.rssBytes ?? 0) / 2 ** 20);
}
