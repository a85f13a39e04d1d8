import { describe, expect, it } from 'vitest';
import { mentions, splitMentions } from './mentions';

describe('mentions', () => {
  it('finds @name as a whole word in any case', () => {
    expect(mentions('hey @bob, look', 'bob')).toBe(true);
    expect(mentions('@BOB look', 'bob')).toBe(true);
    expect(mentions('see you @bob.', 'bob')).toBe(true);
    expect(mentions('see you @bob...', 'bob')).toBe(true);
  });

  it('ignores other names that start the same, and addresses', () => {
    expect(mentions('@bobby hi', 'bob')).toBe(false);
    expect(mentions('@bob.smith hi', 'bob')).toBe(false);
    expect(mentions('mail bob@bob.org', 'bob')).toBe(false);
    expect(mentions('x@bob', 'bob')).toBe(false);
  });

  it('handles names with dots and dashes', () => {
    expect(mentions('ping @ann.lee!', 'ann.lee')).toBe(true);
    expect(mentions('ping @ann-lee', 'ann')).toBe(false);
  });
});

describe('splitMentions', () => {
  it('cuts the content around the mentions, keeping every character', () => {
    const parts = splitMentions('hi @bob and @carol, @Bob.', 'bob');
    expect(parts).toEqual([
      { text: 'hi ', mention: false },
      { text: '@bob', mention: true },
      { text: ' and @carol, ', mention: false },
      { text: '@Bob', mention: true },
      { text: '.', mention: false },
    ]);
    expect(parts.map((part) => part.text).join('')).toBe('hi @bob and @carol, @Bob.');
  });
});
