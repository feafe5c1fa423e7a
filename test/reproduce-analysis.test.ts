import { describe, expect, it } from 'vitest';
import { oneDirectionError } from '../src/reproduce/analysis';
import { alignmentThreshold } from '../src/reproduce/phaseDiagram';
import { widths } from '../src/reproduce/widthSweep';

describe('reproduction analysis helpers', () => {
  it('gives the error of the best function of the first direction from the Hermite terms', () => {
    // T-A: Var(y) = 0.77083; E[y|s] = He1(s)/√2 + He2(s)/4 + He4(s)/96 has variance 1/2 + 1/8 + 1/384.
    expect(oneDirectionError('T-A')).toBeCloseTo(0.7708333333 - (0.5 + 0.125 + 1 / 384), 9);
    // T-B = s/√2 + s·t in rotated coordinates: only s/√2 is a function of s, so 1.5 − 0.5.
    expect(oneDirectionError('T-B')).toBeCloseTo(1, 9);
    // A single-index target is all one direction.
    expect(oneDirectionError('u1 + u1^2')).toBeCloseTo(0, 9);
  });

  it('spaces widths in log from 1 to the largest, as integers', () => {
    const w = widths(6 * 4 * 256, 30);
    expect(w[0]).toBe(1);
    expect(w.at(-1)).toBe(6144);
    expect(w.every((x, i) => i === 0 || x > w[i - 1])).toBe(true);
    expect(w.length).toBeGreaterThan(25);
    expect(alignmentThreshold(128)).toBeCloseTo(2 * Math.sqrt(2 / (Math.PI * 128)), 12);
  });
});
