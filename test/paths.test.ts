// src/paths.ts: the one dotted-path reader of plot, summarize and export.
import { describe, expect, it } from 'vitest';
import { valueAtPath, valuesAt } from '../src/paths';

const record = { testError: 0.5, config: { kappa: 1.5 }, steps: [{ overlap: { meanAbsCos: [0.1, 0.2] } }, { overlap: { meanAbsCos: [0.3, 0.4] } }] };

describe('valuesAt / valueAtPath', () => {
  it('reads fields, array indices (-1 the last) and every element with *', () => {
    expect(valueAtPath(record, 'testError')).toBe(0.5);
    expect(valueAtPath(record, 'config.kappa')).toBe(1.5);
    expect(valueAtPath(record, 'steps.0.overlap.meanAbsCos.1')).toBe(0.2);
    expect(valueAtPath(record, 'steps.-1.overlap.meanAbsCos.-1')).toBe(0.4);
    expect(valuesAt(record, 'steps.*.overlap.meanAbsCos.0')).toEqual([0.1, 0.3]);
    expect(valuesAt(record, ['config', 'kappa'])).toEqual([1.5]);
  });

  it('leads nowhere rather than into the prototype or past the end', () => {
    for (const path of ['__proto__', 'constructor', 'config.toString', 'steps.2.overlap', 'steps.-3', 'testError.x', 'nope.deeper']) {
      expect(valuesAt(record, path), path).toEqual([]);
      expect(valueAtPath(record, path), path).toBeUndefined();
    }
    expect(valueAtPath(null, 'a')).toBeUndefined();
  });
});
