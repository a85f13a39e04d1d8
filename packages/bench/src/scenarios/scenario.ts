// One scenario's run: its result, or the error that stopped it (which fails the run, so CI's
// --quick smoke test sees it), or why it was left out (a service it needs is not configured).
import type { ScenarioResult } from '../report.js';

export type Outcome = Omit<ScenarioResult, 'id' | 'title' | 'status'>;

export async function runScenario(
  id: string,
  title: string,
  body: () => Promise<Outcome>,
): Promise<ScenarioResult> {
  const startedAt = performance.now();
  console.error(`▶ ${title}`);
  try {
    const outcome = await body();
    console.error(`  done in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
    return { id, title, status: 'ok', ...outcome };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    console.error(`  ✗ ${title}: ${error instanceof Error ? (error.stack ?? reason) : reason}`);
    return {
      id,
      title,
      status: 'error',
      reason: reason.split('\n')[0],
      rows: [],
      series: [],
      details: {},
    };
  }
}

export function leftOut(id: string, title: string, reason: string): ScenarioResult {
  console.error(`– ${title}: left out (${reason})`);
  return { id, title, status: 'left out', reason, rows: [], series: [], details: {} };
}

/** Throws when a send result holds refusals (error frames): those fail the scenario. */
export function expectNoErrors(what: string, errors: Record<string, number>): void {
  const entries = Object.entries(errors);
  if (entries.length > 0)
    throw new Error(`${what}: ${entries.map(([code, n]) => `${n}× ${code}`).join(', ')}`);
}
