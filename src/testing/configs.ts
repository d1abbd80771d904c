// fast-check arbitraries over Config, built from the FIELDS table: any valid
// value of each row, and so any valid config. Test-only.
import fc from 'fast-check';
import { setAt } from '../config/path';
import { DEFAULT_CONFIG } from '../config/presets';
import type { Config } from '../config/types';
import { LIMITS, LIST_LIMITS } from '../config/validate';
import { FIELDS, type Field } from '../share/fields';

/** A valid value for one row: ints and floats within LIMITS, enums from the row's list. */
export function valueOf(field: Field): fc.Arbitrary<unknown> {
  switch (field.kind) {
    case 'int': return fc.integer({ min: LIMITS[field.path].min, max: LIMITS[field.path].max });
    case 'float': return fc.double({ min: LIMITS[field.path].min, max: LIMITS[field.path].max, noNaN: true });
    case 'bool': return fc.boolean();
    case 'enum': return fc.constantFrom(...field.values);
    case 'text': return fc.oneof(fc.constant(''), fc.string({ maxLength: 60 }).filter((t) => !/[\u0000-\u001f\u007f]/.test(t)));
    case 'url': return fc.oneof(fc.constant(''), fc.webUrl({ validSchemes: ['http', 'https'], withQueryParameters: true, withFragments: true }));
    case 'ints': {
      const r = LIST_LIMITS[field.path];
      return fc.array(fc.integer({ min: r.min, max: r.max }), { minLength: r.minLength, maxLength: r.maxLength });
    }
  }
}

/** Any valid config, built from the table. */
export const arbConfig: fc.Arbitrary<Config> = fc
  .tuple(...FIELDS.map(valueOf))
  .map((values) => {
    const c = structuredClone(DEFAULT_CONFIG);
    FIELDS.forEach((f, i) => setAt(c, f.path, values[i]));
    return c;
  });
