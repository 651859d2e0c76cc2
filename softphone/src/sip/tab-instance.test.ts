import { tabInstanceId } from './sip-phone';

function memoryStorage() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), m };
}

describe('the tab\'s SIP instance id (+sip.instance)', () => {
  it('is made once per tab and kept across reloads (sessionStorage)', () => {
    const tab = memoryStorage();
    const first = tabInstanceId(tab);
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(tabInstanceId(tab)).toBe(first);
    expect(tabInstanceId(memoryStorage())).not.toBe(first); // another tab, another device
  });

  it('replaces a kept value that is not a UUID, and gives none without storage or when storage refuses', () => {
    const tab = memoryStorage();
    tab.setItem('switchboard.sip.instance', '"><script>');
    expect(tabInstanceId(tab)).toMatch(/^[0-9a-f-]{36}$/);
    expect(tabInstanceId(undefined)).toBeUndefined();
    expect(tabInstanceId({ getItem: () => { throw new Error('SecurityError'); }, setItem: () => undefined })).toBeUndefined();
  });
});
