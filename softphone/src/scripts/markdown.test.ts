import { parseInline, parseMarkdown, safeHref, type Block, type Inline } from './markdown';

const text = (t: string): Inline => ({ type: 'text', text: t });

describe('call script Markdown', () => {
  it('parses headings, paragraphs, lists, quotes and rules', () => {
    const blocks = parseMarkdown([
      '# Greeting', 'Hello {customer.name},', 'thanks for calling {queue}.', '',
      '- ask for the **order number**', '- check the *address*', '', '1. one', '2) two',
      '> say it slowly', '---', '## If they want a refund ##',
    ].join('\n'));
    expect(blocks).toEqual<Block[]>([
      { type: 'heading', level: 1, children: [text('Greeting')] },
      { type: 'paragraph', children: [text('Hello {customer.name}, thanks for calling {queue}.')] },
      { type: 'list', ordered: false, items: [[text('ask for the '), { type: 'strong', children: [text('order number')] }], [text('check the '), { type: 'em', children: [text('address')] }]] },
      { type: 'list', ordered: true, items: [[text('one')], [text('two')]] },
      { type: 'quote', children: [text('say it slowly')] },
      { type: 'rule' },
      { type: 'heading', level: 2, children: [text('If they want a refund')] },
    ]);
  });

  it('keeps raw HTML as text', () => {
    expect(parseMarkdown('<script>alert(1)</script> <img src=x onerror="alert(2)">')).toEqual([
      { type: 'paragraph', children: [text('<script>alert(1)</script> <img src=x onerror="alert(2)">')] },
    ]);
  });

  it.each([
    ['[site](https://example.com/a)', 'https://example.com/a'],
    ['[call](tel:+3581234)', 'tel:+3581234'],
  ])('links %s', (src, href) => {
    expect(parseInline(src)).toEqual([{ type: 'link', href, children: [text(src.slice(1, src.indexOf(']')))] }]);
  });

  it.each(['[x](javascript:alert(1))', '[x](javascript:alert`1`)', '[x](data:text/html,hi)', '[x](/relative)', '[x](JAVASCRIPT:void)', '[x](vbscript:msgbox)'])('makes no link of %s', (src) => {
    const out = parseInline(src);
    const links = (list: Inline[]): number => list.reduce((n, i) => n + (i.type === 'link' ? 1 : 0) + ('children' in i ? links(i.children) : 0), 0);
    expect(links(out)).toBe(0);
    expect(out.map((i) => (i.type === 'text' ? i.text : '')).join('')).toMatch(/^(\[)?x/);
  });

  it('only allows http(s), mailto and tel targets', () => {
    expect(safeHref('https://a.example/')).toBe('https://a.example/');
    expect(safeHref('mailto:x@example.com')).toBe('mailto:x@example.com');
    for (const bad of ['javascript:alert(1)', ' javascript:alert(1)', 'vbscript:x', 'data:text/html,x', 'file:///etc/passwd', '//evil.example', 'x']) expect(safeHref(bad)).toBeUndefined();
  });

  it('code spans, escapes and unclosed markers read as text', () => {
    expect(parseInline('`**no**` \\*star\\* a * b and **open')).toEqual([
      { type: 'code', text: '**no**' }, text(' *star* a * b and **open'),
    ]);
  });

  it('reads underscores inside words as letters', () => {
    expect(parseInline('window.__pwned = snake_case_name and _this_')).toEqual([text('window.__pwned = snake_case_name and '), { type: 'em', children: [text('this')] }]);
  });

  it('stops nesting at a fixed depth', () => {
    const deep = `${'**_'.repeat(20)}x${'_**'.repeat(20)}`;
    const depth = (list: Inline[]): number => Math.max(0, ...list.map((n) => (n.type === 'strong' || n.type === 'em' || n.type === 'link' ? 1 + depth(n.children) : 0)));
    expect(depth(parseInline(deep))).toBeLessThanOrEqual(9);
  });
});
