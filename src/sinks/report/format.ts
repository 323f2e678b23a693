/** Number formatting shared by report.md and report.html: fixed digits, no locale, a dash for "none". */

export const DASH = '—';

export function fixed(value: number | null | undefined, digits = 2): string {
  return value === null || value === undefined ? DASH : value.toFixed(digits);
}

export function percent(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined ? DASH : `${(value * 100).toFixed(digits)}%`;
}

export function share(part: number, whole: number): string {
  return whole > 0 ? percent(part / whole) : DASH;
}

export function usd(value: number | null): string {
  return value === null ? DASH : `$${value.toFixed(4)}`;
}

/** `8/6`: the challenger's mean score on a dimension, then its opponent's. */
export function versus(challenger: number | null, king: number | null): string {
  const side = (value: number | null): string => (value === null ? DASH : String(Math.round(value * 10) / 10));
  return `${side(challenger)}/${side(king)}`;
}
