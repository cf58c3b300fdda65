// Shared measuring helpers for the benches: interleaved runs and summary figures.
/** Summarises samples. */
export function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const at = (i) => sorted[i] ?? Number.NaN;
  const median = sorted.length % 2 ? at(middle) : (at(middle - 1) + at(middle)) / 2;
  return { median, min: at(0), max: at(sorted.length - 1), n: sorted.length };
}
/**
 * Runs each subject `rounds` times, interleaved (A B A B …) so that drift in
 * the machine's load hits every subject alike. Returns each subject's samples.
 */
export async function interleave(subjects, rounds) {
  const names = Object.keys(subjects);
  const samples = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const name of names) samples[name].push(await subjects[name]());
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
