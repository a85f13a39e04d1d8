// The Markdown of messages is safe: no raw HTML, no images, no script URLs, and links that
// open a new tab without reaching back into this one.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { MessageMarkdown } from './message-markdown';

/** The rendered message, without the component's own wrapper. */
const render = (content: string, myUsername = 'ada') =>
  renderToStaticMarkup(createElement(MessageMarkdown, { content, myUsername })).replace(
    /^<div class="message-text markdown">([\s\S]*)<\/div>$/,
    '$1',
  );

describe('message markdown', () => {
  it('renders bold, italics, code spans, fenced code, quotes and lists', () => {
    const html = render(
      '**bold** _it_ `x < y`\n\n```\nconst a = "<b>";\n```\n\n> quoted\n\n- one\n- two\n\n1. first',
    );
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<em>it</em>');
    expect(html).toContain('<code>x &lt; y</code>');
    expect(html).toContain('<pre><code>const a = &quot;&lt;b&gt;&quot;;\n</code></pre>');
    expect(html).toContain('<blockquote>\n<p>quoted</p>\n</blockquote>');
    expect(html).toContain('<ul>\n<li>one</li>\n<li>two</li>\n</ul>');
    expect(html).toContain('<ol>\n<li>first</li>\n</ol>');
  });

  it('shows raw HTML as the text it is, never as HTML', () => {
    expect(render('a <b>bold</b> claim')).toBe('<p>a &lt;b&gt;bold&lt;/b&gt; claim</p>');
    expect(render('<script>alert(1)</script>')).toBe(
      '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>',
    );
    const hostile = [
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      'hi <b onclick="alert(1)">there</b>',
      '<iframe src="https://evil.example"></iframe>',
      '<div style="position:fixed">x</div>',
    ];
    for (const content of hostile) {
      const html = render(content);
      expect(html, content).not.toMatch(/<(script|img|b|iframe|div)[\s>]/);
      expect(html, content).not.toMatch(/<[^>]*onerror/);
      expect(html, content).not.toMatch(/<[^>]*onclick/);
      expect(html, content).not.toMatch(/<[^>]*style=/);
    }
  });

  it('renders no image from markdown and no javascript: link', () => {
    const image = render('![cat](https://example.com/cat.png)');
    expect(image).not.toContain('<img');
    expect(image).not.toContain('cat.png');
    const script = render('[click](javascript:alert(1))');
    expect(script).not.toContain('javascript:');
  });

  it('turns links and bare URLs into links to a new tab with rel="noopener noreferrer"', () => {
    const html = render('see https://example.com/a?b=1 and [docs](https://docs.example.com)');
    expect(html).toContain(
      '<a href="https://example.com/a?b=1" target="_blank" rel="noopener noreferrer">https://example.com/a?b=1</a>',
    );
    expect(html).toContain(
      '<a href="https://docs.example.com" target="_blank" rel="noopener noreferrer">docs</a>',
    );
    expect(html.match(/<a /g)).toHaveLength(2);
  });

  it('marks mentions of the user, but not inside code', () => {
    const html = render('hi @Ada, see `@ada` **@ada**');
    expect(html).toContain('<mark class="mention">@Ada</mark>');
    expect(html).toContain('<code>@ada</code>');
    expect(html).toContain('<strong><mark class="mention">@ada</mark></strong>');
  });
});
