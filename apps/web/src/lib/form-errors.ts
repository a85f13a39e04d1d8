// Field messages in plain words, from the same zod schemas the server validates with: the
// limits live there, not here.
import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

/** One sentence for one problem with a field. */
export function describeIssue(issue: Issue): string {
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'string')
        return Number(issue.minimum) <= 1
          ? 'This is required.'
          : `Use at least ${String(issue.minimum)} characters.`;
      return `Pick at least ${String(issue.minimum)}.`;
    case 'too_big':
      if (issue.origin === 'string') return `Use at most ${String(issue.maximum)} characters.`;
      return `Pick at most ${String(issue.maximum)}.`;
    case 'invalid_format':
      if (issue.format === 'email') return 'Enter an email address, like ada@example.com.';
      if (issue.format === 'url') return 'Enter a web address starting with https://.';
      if (issue.format === 'regex') return sentence(issue.message);
      return 'This is not in the expected form.';
    default:
      return sentence(issue.message);
  }
}

/** "may only contain letters" → "May only contain letters." */
const sentence = (text: string) => {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
};

export type FieldErrors = Partial<Record<string, string>>;

/** The first problem with each top-level field, or null when the input is valid. */
export function fieldErrors(schema: z.ZodType, input: unknown): FieldErrors | null {
  const result = schema.safeParse(input);
  if (result.success) return null;
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? '');
    errors[field] ??= describeIssue(issue);
  }
  return errors;
}
