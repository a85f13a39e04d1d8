import { describe, expect, it } from 'vitest';
import { splitLinks } from './links';

describe('splitLinks', () => {
  it('finds http and https addresses, leaving sentence punctuation out', () => {
    expect(splitLinks('See https://example.com/a?b=1. Or (http://x.io)!')).toEqual([
      { text: 'See ' },
      { text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { text: '. Or (' },
      { text: 'http://x.io', href: 'http://x.io' },
      { text: ')!' },
    ]);
  });

  it('leaves other schemes and plain text alone', () => {
    expect(splitLinks('javascript:alert(1) and ftp://x')).toEqual([
      { text: 'javascript:alert(1) and ftp://x' },
    ]);
  });
});
