/** Number formats shared by the benchmark's reports. */

export function verdict(met: boolean): string {
  return met ? 'met' : 'below target';
}

export function int(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-';
}

export function num(n: number): string {
  return Number.isFinite(n) ? (n >= 100 ? int(n) : n.toFixed(1)) : '-';
}

export function ms(n: number): string {
  return Number.isFinite(n) ? n.toFixed(2) : '-';
}

export function ratio(n: number): string {
  return Number.isFinite(n) ? n.toFixed(2) : '-';
}
