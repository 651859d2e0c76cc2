/** RFC 4180 CSV: comma-separated, fields with comma, quote or line break in double quotes. */
import { RecordsError } from './errors';

/** Parses CSV text into rows of fields; a stray or unterminated quote is ERR_BAD_CSV with its line. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // byte-order mark
  let fieldStart = true;
  for (; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
          const next = text[i + 1];
          if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
            throw new RecordsError('ERR_BAD_CSV', `line ${line}: text after a closing quote`, { details: { line } });
          }
        }
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && fieldStart) {
      quoted = true;
      fieldStart = false;
    } else if (ch === ',') {
      row.push(field);
      field = '';
      fieldStart = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      fieldStart = true;
      line++;
    } else if (ch === '"') {
      throw new RecordsError('ERR_BAD_CSV', `line ${line}: a quote inside an unquoted field`, { details: { line } });
    } else {
      field += ch;
      fieldStart = false;
    }
  }
  if (quoted) throw new RecordsError('ERR_BAD_CSV', `line ${line}: a quoted field is not closed`, { details: { line } });
  if (!fieldStart || field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

/**
 * One CSV field. A text starting with `=` or `@` gets a leading `'`, so spreadsheets do not run it
 * as a formula (`+` and `-` are left alone: phone numbers start with them).
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (/^[=@]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Undoes csvField's formula guard. */
export function unguard(value: string): string {
  return /^'[=@]/.test(value) ? value.slice(1) : value;
}

export function toCsv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | null | undefined>>): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
