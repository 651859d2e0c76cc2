/** Field types several config sections share. */
import { z } from 'zod';
import { ID_PATTERN } from '../server/routing/config-schema';

/** A password or token: a string even where YAML would read a number. */
export const Secret = z.string({ error: 'expected a string (quote it in YAML if it looks like a number)' }).min(1);
/** A file's path. */
export const FilePath = z.string().min(1);
/** An id of a queue, operator, group… */
export const Id = z.string().regex(ID_PATTERN, 'expected 1-64 characters: letters, digits, _ . @ - (not starting with a symbol)');
