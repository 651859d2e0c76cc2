/** Finds the element with `id` and checks its type; a missing element is a bug in index.html. */
export function byId<T extends HTMLElement>(doc: Document, id: string, type: { new (): T; prototype: T }): T {
  const found = doc.getElementById(id);
  if (!(found instanceof type)) throw new Error(`index.html lacks <${type.name} id="${id}">`);
  return found;
}

/** Replaces a select's options, keeping `selected` chosen when present. */
export function setOptions(select: HTMLSelectElement, options: ReadonlyArray<{ value: string; label: string }>, selected?: string): void {
  const doc = select.ownerDocument;
  select.replaceChildren(...options.map((o) => {
    const option = doc.createElement('option');
    option.value = o.value;
    option.textContent = o.label;
    return option;
  }));
  if (selected !== undefined && options.some((o) => o.value === selected)) select.value = selected;
}

/** True when `el` is shown and can be used (not inside a hidden ancestor, not disabled). */
export function usable(el: HTMLButtonElement): boolean {
  return !el.disabled && el.closest('[hidden]') === null;
}
