import { fill } from '../i18n/translator';
import type { Block, Inline } from './markdown';

/** Values for a script's placeholders: `{caller}`, `{queue}`, `{customer.name}`. */
export type ScriptValues = Readonly<Record<string, string>>;

/**
 * Builds the parsed script as DOM nodes, filling placeholders in text (a value is text too, so
 * a customer's name cannot add markup). Only createElement/createTextNode: nothing is parsed as HTML.
 */
export function renderScript(doc: Document, blocks: readonly Block[], values: ScriptValues): DocumentFragment {
  const frag = doc.createDocumentFragment();
  const inlines = (parent: Node, list: readonly Inline[]) => {
    for (const node of list) {
      if (node.type === 'text') parent.appendChild(doc.createTextNode(fill(node.text, values)));
      else if (node.type === 'code') {
        const el = doc.createElement('code');
        el.textContent = fill(node.text, values);
        parent.appendChild(el);
      } else if (node.type === 'link') {
        const a = doc.createElement('a');
        a.href = node.href;
        a.target = '_blank';
        a.rel = 'noopener noreferrer';
        inlines(a, node.children);
        parent.appendChild(a);
      } else {
        const el = doc.createElement(node.type);
        inlines(el, node.children);
        parent.appendChild(el);
      }
    }
  };
  for (const block of blocks) {
    if (block.type === 'rule') frag.appendChild(doc.createElement('hr'));
    else if (block.type === 'list') {
      const list = doc.createElement(block.ordered ? 'ol' : 'ul');
      for (const item of block.items) {
        const li = doc.createElement('li');
        inlines(li, item);
        list.appendChild(li);
      }
      frag.appendChild(list);
    } else {
      // headings inside the panel start below its own h2
      const tag = block.type === 'heading' ? `h${Math.min(block.level + 2, 6)}` : block.type === 'quote' ? 'blockquote' : 'p';
      const el = doc.createElement(tag);
      inlines(el, block.children);
      frag.appendChild(el);
    }
  }
  return frag;
}
