/**
 * The Markdown of call scripts, parsed into a small tree the page builds with DOM calls only
 * (never innerHTML): raw HTML in a script is plain text, and links go only to http(s), mailto
 * and tel — so a script cannot run code in the page. Supported: headings (# to ####),
 * paragraphs, - / * / 1. lists, > quotes, --- rules, **strong**, *em* / _em_, `code`,
 * [links](https://…) and backslash escapes. Anything else reads as the text it is.
 */

export type Inline =
  | { type: 'text'; text: string }
  | { type: 'code'; text: string }
  | { type: 'strong' | 'em'; children: Inline[] }
  | { type: 'link'; href: string; children: Inline[] };

export type Block =
  | { type: 'heading'; level: 1 | 2 | 3 | 4; children: Inline[] }
  | { type: 'paragraph' | 'quote'; children: Inline[] }
  | { type: 'list'; ordered: boolean; items: Inline[][] }
  | { type: 'rule' };

/** Nesting of emphasis and links deeper than this reads as text. */
const MAX_INLINE_DEPTH = 8;
const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:', 'tel:']);

/** The link target when it is one a script may have; undefined otherwise (javascript:, data:, relative…). */
export function safeHref(raw: string): string | undefined {
  try {
    const url = new URL(raw);
    return SAFE_PROTOCOLS.has(url.protocol) ? url.href : undefined;
  } catch {
    return undefined;
  }
}

export function parseInline(src: string, depth = 0): Inline[] {
  const out: Inline[] = [];
  let text = '';
  const flush = () => {
    if (text) out.push({ type: 'text', text });
    text = '';
  };
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\\' && i + 1 < src.length && /[\\`*_[\]()#>!.{}+-]/.test(src[i + 1]!)) {
      text += src[i + 1];
      i += 2;
      continue;
    }
    if (c === '`') {
      const end = src.indexOf('`', i + 1);
      if (end > i) {
        flush();
        out.push({ type: 'code', text: src.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
    }
    if (depth < MAX_INLINE_DEPTH) {
      if (src.startsWith('**', i)) {
        const end = src.indexOf('**', i + 2);
        if (end > i + 2) {
          flush();
          out.push({ type: 'strong', children: parseInline(src.slice(i + 2, end), depth + 1) });
          i = end + 2;
          continue;
        }
      }
      // `_` inside a word (snake_case, __name) is a letter, not emphasis
      const opens = c === '*' || (c === '_' && !/\w/.test(src[i - 1] ?? ''));
      if (opens && src[i + 1] !== ' ' && src[i + 1] !== c) {
        const end = c === '_' ? closingUnderscore(src, i + 1) : src.indexOf(c, i + 1);
        if (end > i + 1) {
          flush();
          out.push({ type: 'em', children: parseInline(src.slice(i + 1, end), depth + 1) });
          i = end + 1;
          continue;
        }
      }
      if (c === '[') {
        const m = /^\[([^\]]*)\]\(([^()\s]*)\)/.exec(src.slice(i));
        if (m) {
          flush();
          const href = safeHref(m[2]!);
          const children = parseInline(m[1]!, depth + 1);
          if (href) out.push({ type: 'link', href, children });
          else out.push(...children); // an unsafe target: the words stay, the link goes
          i += m[0].length;
          continue;
        }
      }
    }
    text += c;
    i++;
  }
  flush();
  return out;
}

/** The `_` that closes emphasis opened before `from`: not followed by a word character; -1 when none. */
function closingUnderscore(src: string, from: number): number {
  for (let i = src.indexOf('_', from); i !== -1; i = src.indexOf('_', i + 1)) {
    if (!/\w/.test(src[i + 1] ?? '')) return i;
  }
  return -1;
}

export function parseMarkdown(src: string): Block[] {
  const blocks: Block[] = [];
  let para: string[] = [];
  let quote: string[] = [];
  let list: { ordered: boolean; items: string[] } | undefined;
  const endPara = () => {
    if (para.length) blocks.push({ type: 'paragraph', children: parseInline(para.join(' ')) });
    para = [];
  };
  const endQuote = () => {
    if (quote.length) blocks.push({ type: 'quote', children: parseInline(quote.join(' ')) });
    quote = [];
  };
  const endList = () => {
    if (list) blocks.push({ type: 'list', ordered: list.ordered, items: list.items.map((item) => parseInline(item)) });
    list = undefined;
  };
  const endAll = () => (endPara(), endQuote(), endList());

  for (const raw of src.split(/\r?\n/)) {
    const line = raw.trimEnd();
    let m: RegExpExecArray | null;
    if (line.trim() === '') {
      endAll();
    } else if (/^ {0,3}(-{3,}|\*{3,}|_{3,})$/.test(line)) {
      endAll();
      blocks.push({ type: 'rule' });
    } else if ((m = /^ {0,3}(#{1,4})\s+(.*?)\s*#*$/.exec(line))) {
      endAll();
      blocks.push({ type: 'heading', level: m[1]!.length as 1 | 2 | 3 | 4, children: parseInline(m[2]!) });
    } else if ((m = /^\s*(?:([-*+])|(\d{1,9})[.)])\s+(.*)$/.exec(line))) {
      endPara();
      endQuote();
      const ordered = m[2] !== undefined;
      if (list && list.ordered !== ordered) endList();
      list ??= { ordered, items: [] };
      list.items.push(m[3]!);
    } else if ((m = /^ {0,3}>\s?(.*)$/.exec(line))) {
      endPara();
      endList();
      quote.push(m[1]!);
    } else if (list && /^\s{2,}\S/.test(raw)) {
      list.items[list.items.length - 1] += ` ${line.trim()}`; // a list item's continuation line
    } else {
      endQuote();
      endList();
      para.push(line.trim());
    }
  }
  endAll();
  return blocks;
}
