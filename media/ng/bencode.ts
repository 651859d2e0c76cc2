/**
 * Bencode, the dictionary encoding of rtpengine's ng control protocol.
 * Strings are decoded as UTF-8 text; rtpengine's values (SDP, tags, statistics) are text.
 */
export type BencodeValue = string | number | Buffer | BencodeValue[] | { [key: string]: BencodeValue | undefined };

export function encode(value: BencodeValue): Buffer {
  const parts: Buffer[] = [];
  write(value, parts);
  return Buffer.concat(parts);
}

function write(value: BencodeValue, parts: Buffer[]): void {
  if (typeof value === 'string' || Buffer.isBuffer(value)) {
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    parts.push(Buffer.from(`${bytes.length}:`), bytes);
  } else if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new TypeError(`bencode integers only, got ${value}`);
    parts.push(Buffer.from(`i${value}e`));
  } else if (Array.isArray(value)) {
    parts.push(Buffer.from('l'));
    for (const item of value) write(item, parts);
    parts.push(Buffer.from('e'));
  } else if (value !== null && typeof value === 'object') {
    parts.push(Buffer.from('d'));
    for (const key of Object.keys(value).sort()) {
      const item = value[key];
      if (item === undefined) continue;
      write(key, parts);
      write(item, parts);
    }
    parts.push(Buffer.from('e'));
  } else {
    throw new TypeError(`cannot bencode ${String(value)}`);
  }
}

export type DecodedValue = string | number | DecodedValue[] | { [key: string]: DecodedValue };

/** Decodes one bencoded value that must span the whole buffer. */
export function decode(data: Buffer): DecodedValue {
  const { value, next } = read(data, 0, 0);
  if (next !== data.length) throw new SyntaxError(`bencode: ${data.length - next} trailing bytes`);
  return value;
}

const MAX_DEPTH = 64;

function read(data: Buffer, pos: number, depth: number): { value: DecodedValue; next: number } {
  if (depth > MAX_DEPTH) throw new SyntaxError('bencode: nested too deeply');
  if (pos >= data.length) throw new SyntaxError('bencode: unexpected end');
  const c = data[pos];
  if (c === 0x69 /* i */) {
    const end = data.indexOf(0x65 /* e */, pos + 1);
    if (end < 0) throw new SyntaxError('bencode: unterminated integer');
    const text = data.toString('latin1', pos + 1, end);
    if (!/^-?\d+$/.test(text)) throw new SyntaxError(`bencode: bad integer "${text}"`);
    return { value: Number(text), next: end + 1 };
  }
  if (c === 0x6c /* l */) {
    const list: DecodedValue[] = [];
    let p = pos + 1;
    while (data[p] !== 0x65) {
      const item = read(data, p, depth + 1);
      list.push(item.value);
      p = item.next;
    }
    return { value: list, next: p + 1 };
  }
  if (c === 0x64 /* d */) {
    const dict: { [key: string]: DecodedValue } = {};
    let p = pos + 1;
    while (data[p] !== 0x65) {
      const key = read(data, p, depth + 1);
      if (typeof key.value !== 'string') throw new SyntaxError('bencode: dictionary key is not a string');
      const item = read(data, key.next, depth + 1);
      dict[key.value] = item.value;
      p = item.next;
    }
    return { value: dict, next: p + 1 };
  }
  if (c >= 0x30 && c <= 0x39) {
    const colon = data.indexOf(0x3a /* : */, pos);
    if (colon < 0) throw new SyntaxError('bencode: unterminated string length');
    const len = Number(data.toString('latin1', pos, colon));
    if (!Number.isSafeInteger(len) || colon + 1 + len > data.length) throw new SyntaxError('bencode: string runs past the end');
    return { value: data.toString('utf8', colon + 1, colon + 1 + len), next: colon + 1 + len };
  }
  throw new SyntaxError(`bencode: unexpected byte 0x${c.toString(16)} at ${pos}`);
}
