// Plain text with its web addresses as links, each opening in a new tab that cannot reach back.
import { Fragment } from 'react';
import { splitLinks } from '../lib/links';

export function LinkedText({ text }: { text: string }) {
  return splitLinks(text).map((part, index) =>
    part.href ? (
      <a key={index} href={part.href} target="_blank" rel="noopener noreferrer">
        {part.text}
      </a>
    ) : (
      <Fragment key={index}>{part.text}</Fragment>
    ),
  );
}
