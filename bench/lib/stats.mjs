// Shared measuring helpers for the benches: interleaved runs and summary figures.

/** Median, min and max of a list of numbers. */
export function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted.at(-1), n: sorted.length };
}

/**
 * Runs each subject `rounds` times, interleaved (A B A B …) so that drift in
 * the machine's load hits every subject alike. Returns each subject's samples.
 */
export async function interleave(subjects, rounds) {
  const samples = Object.fromEntries(Object.keys(subjects).map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, measure] of Object.entries(subjects)) samples[name].push(await measure());
  }
  return samples;
}

/** Formats a number with a unit and sensible precision. */
export function fmt(value, unit = '') {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)}${unit}`;
}

/** A Markdown table from a header and rows. */
export function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
