// Mean, standard deviation (n − 1), standard error and count of a sample.

export interface SampleStats {
  mean: number;
  std: number;
  sem: number;
  count: number;
}

export function sampleStats(values: number[]): SampleStats {
  const count = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / count;
  const std = count > 1 ? Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / (count - 1)) : 0;
  return { mean, std, sem: count > 1 ? std / Math.sqrt(count) : 0, count };
}

/** "0.2100 ± 0.0100" with the spread named by the caller. */
export function formatStats(s: SampleStats, spread: 'std' | 'sem' = 'std', digits = 4): string {
  return `${s.mean.toFixed(digits)} ± ${s[spread].toFixed(digits)}`;
}
