// Mentions of a user in a message: the same rule as the server's unread mention count
// (packages/api channel-views.ts): `@name` as a whole word, in any case; dots may end a sentence
// after it ("see you @bob.") but not continue it ("@bob.smith" is someone else).

const nameChar = /[A-Za-z0-9_.-]/;
const mentionToken = /@[A-Za-z0-9_.-]+/g;

export interface ContentPart {
  text: string;
  mention: boolean;
}

/** The content cut into plain text and the mentions of `username`, for highlighting. */
export function splitMentions(content: string, username: string): ContentPart[] {
  const wanted = username.toLowerCase();
  const parts: ContentPart[] = [];
  let last = 0;
  for (const match of content.matchAll(mentionToken)) {
    const start = match.index;
    const previous = content[start - 1];
    if (previous !== undefined && nameChar.test(previous)) continue;
    // the name, then nothing but dots (which end the sentence, not the name)
    const rest = match[0].slice(1).toLowerCase();
    if (!rest.startsWith(wanted) || !/^\.*$/.test(rest.slice(wanted.length))) continue;
    const token = match[0].slice(0, wanted.length + 1);
    if (start > last) parts.push({ text: content.slice(last, start), mention: false });
    parts.push({ text: token, mention: true });
    last = start + token.length;
  }
  if (last < content.length) parts.push({ text: content.slice(last), mention: false });
  return parts;
}

export function mentions(content: string, username: string): boolean {
  return splitMentions(content, username).some((part) => part.mention);
}
