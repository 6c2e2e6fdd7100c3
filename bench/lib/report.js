import { formatRate } from './measure.js';

/** The end-of-run table: figure, unit, ours, baseline (value and what it is), ratio, target, met? */

export function targetText(target) {
  if (!target) return '—';
  return target.kind === 'ratio' ? `ratio ≥ ${target.min}` : `≥ ${formatRate(target.min)}`;
}

export function metText(row) {
  if (row.skipped) return 'skipped';
  if (row.met === null) return '—';
  return row.met ? 'yes' : 'NO';
}

/** Rounded down, so that a ratio printed as meeting a target (1.50× for ≥ 1.5) really does. */
export function formatRatio(ratio) {
  if (ratio === null || ratio === undefined) return '—';
  // Two significant digits below 0.1, so that small ratios (the engine against a raw driver) still compare.
  const digits = ratio >= 10 ? 1 : ratio >= 0.1 || ratio <= 0 ? 2 : Math.min(6, 1 - Math.floor(Math.log10(ratio)));
  const scale = 10 ** digits;
  return `${(Math.floor(ratio * scale) / scale).toFixed(digits)}×`;
}

export function renderTable(rows) {
  const header = ['Figure', 'Unit', 'Ours', 'Baseline', 'Baseline is', 'Ratio', 'Target', 'Met?'];
  const body = rows.map((row) =>
    row.skipped
      ? [row.figure, '', '', '', row.reason, '', targetText(row.target), metText(row)]
      : [
          row.figure,
          row.unit,
          formatRate(row.value),
          row.baseline ? formatRate(row.baseline.value) : '—',
          row.baseline?.label ?? '—',
          formatRatio(row.ratio),
          targetText(row.target),
          metText(row),
        ],
  );
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((line) => String(line[c]).length)));
  const numeric = new Set([2, 3, 5]);
  const fmt = (line) =>
    line
      .map((cell, c) => (numeric.has(c) ? String(cell).padStart(widths[c]) : String(cell).padEnd(widths[c])))
      .join(' │ ');
  const rule = widths.map((w) => '─'.repeat(w)).join('─┼─');
  return [fmt(header), rule, ...body.map(fmt)].join('\n');
}
