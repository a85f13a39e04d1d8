// A message's text as safe Markdown: bold, italics, code, fenced code, quotes, lists, links
// (bare URLs too, through GFM). Raw HTML is shown as the text it is, never as HTML; images are
// not rendered; links open in a new tab without access to this one. Mentions of the user are
// marked as in plain text.
import ReactMarkdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { splitMentions } from '../lib/mentions';

const allowedElements = [
  'p',
  'br',
  'strong',
  'em',
  'del',
  'code',
  'pre',
  'blockquote',
  'ul',
  'ol',
  'li',
  'a',
  'hr',
  'mark',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
];

const components: Components = {
  a: ({ href, children }) => (
    <a href={href} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  ),
};

interface MdNode {
  type: string;
  value?: string;
  children?: MdNode[];
  data?: { hName?: string; hProperties?: Record<string, unknown> };
}

/**
 * A remark plugin: raw HTML becomes plain text (shown, escaped, as typed), and each mention of
 * `username` outside code and links is wrapped in <mark>.
 */
function textOnly(username: string) {
  const walk = (node: MdNode) => {
    if (!node.children || node.type === 'link') return;
    node.children = node.children.flatMap((child): MdNode[] => {
      if (child.type === 'html') {
        const text = { type: 'text', value: child.value ?? '' };
        // a block of HTML stands where a paragraph would
        return [node.type === 'root' ? { type: 'paragraph', children: [text] } : text];
      }
      if (child.type !== 'text' || child.value === undefined) {
        walk(child);
        return [child];
      }
      return splitMentions(child.value, username).map((part) =>
        part.mention
          ? {
              type: 'mention',
              data: { hName: 'mark', hProperties: { className: ['mention'] } },
              children: [{ type: 'text', value: part.text }],
            }
          : { type: 'text', value: part.text },
      );
    });
  };
  return () => (tree: MdNode) => walk(tree);
}

export function MessageMarkdown({ content, myUsername }: { content: string; myUsername: string }) {
  return (
    <div className="message-text markdown">
      <ReactMarkdown
        remarkPlugins={[remarkGfm, textOnly(myUsername)]}
        skipHtml
        allowedElements={allowedElements}
        unwrapDisallowed
        components={components}
      >
        {content}
      </ReactMarkdown>
    </div>
  );
}
