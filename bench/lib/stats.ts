// Shared measuring helpers for the benches: interleaved runs and summary figures.

/** Median, min and max of a list of numbers. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  n: number;
}

/** Summarises samples. */
export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const at = (i: number) => sorted[i] ?? Number.NaN;
  const median = sorted.length % 2 ? at(middle) : (at(middle - 1) + at(middle)) / 2;
  return { median, min: at(0), max: at(sorted.length - 1), n: sorted.length };
}

/**
 * Runs each subject `rounds` times, interleaved (A B A B …) so that drift in
 * the machine's load hits every subject alike. Returns each subject's samples.
 */
export async function interleave<K extends string>(
  subjects: Record<K, () => Promise<number>>,
  rounds: number,
): Promise<Record<K, number[]>> {
  const names = Object.keys(subjects) as K[];
  const samples = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<
    K,
    number[]
  >;
  for (let round = 0; round < rounds; round++) {
    for (const name of names) samples[name].push(await subjects[name]());
  }
  return samples;
}

/** Formats a number with a unit and sensible precision. */
export function fmt(value: number, unit = ''): string {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)}${unit}`;
}

/** A Markdown table from a header and rows. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A table row: the label, median, min and max of `s` (divided by `scale`), and the ratio text. */
export function row(label: string, s: Summary, ratio: string, scale = 1, unit = ''): string[] {
  return [
    label,
    fmt(s.median / scale, unit),
    fmt(s.min / scale, unit),
    fmt(s.max / scale, unit),
    ratio,
  ];
}
