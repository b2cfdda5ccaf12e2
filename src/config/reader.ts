/**
 * How src/config/index.ts reads one variable: each method parses, checks and defaults one kind
 * of value, and throws a ConfigError naming the variable when the value is bad.
 */

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export type Env = Readonly<Record<string, string | undefined>>;

export class Reader {
  constructor(private readonly env: Env) {}

  optional(name: string): string | null {
    const value = this.env[name];
    return value === undefined || value === '' ? null : value;
  }

  string(name: string, fallback: string, options: { allowEmpty?: boolean } = {}): string {
    const value = this.env[name];
    if (value === undefined) return fallback;
    if (value === '' && !options.allowEmpty) return fallback;
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this finds
    if (/[\u0000-\u001f]/.test(value)) throw new ConfigError(`${name} must not contain control characters`);
    return value;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.optional(name);
    if (raw === null) return fallback;
    if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be a whole number from ${min} to ${max}; got "${raw}"`);
    const value = Number(raw.trim());
    if (value < min || value > max) throw new ConfigError(`${name} must be a whole number from ${min} to ${max}; got "${raw}"`);
    return value;
  }

  fraction(name: string, fallback: number): number {
    const raw = this.optional(name);
    if (raw === null) return fallback;
    const value = Number(raw.trim());
    if (!/^\s*(0|1|0?\.\d+|1\.0*)\s*$/.test(raw) || !(value >= 0 && value <= 1)) {
      throw new ConfigError(`${name} must be a number from 0 to 1 (0.01 is one in a hundred); got "${raw}"`);
    }
    return value;
  }

  /** Seconds, written as a whole number with an optional unit: `90`, `90s`, `15m`, `1h`. */
  duration(name: string, fallbackSeconds: number, min: number, max: number): number {
    const raw = this.optional(name);
    if (raw === null) return fallbackSeconds;
    const match = /^(\d+)\s*([smh]?)$/.exec(raw.trim());
    const seconds = match ? Number(match[1]) * ({ '': 1, s: 1, m: 60, h: 3600 } as Record<string, number>)[match[2]!]! : NaN;
    if (!(seconds >= min && seconds <= max)) {
      throw new ConfigError(`${name} must be a duration like 90s, 15m or 1h, from ${min} s to ${max} s; got "${raw}"`);
    }
    return seconds;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.optional(name);
    if (raw === null) return fallback;
    if (['true', '1', 'yes'].includes(raw.toLowerCase())) return true;
    if (['false', '0', 'no'].includes(raw.toLowerCase())) return false;
    throw new ConfigError(`${name} must be true or false; got "${raw}"`);
  }

  oneOf<T extends string>(name: string, values: readonly T[], fallback: T): T {
    const raw = this.optional(name);
    if (raw === null) return fallback;
    if (!(values as readonly string[]).includes(raw)) throw new ConfigError(`${name} must be one of ${values.join(', ')}; got "${raw}"`);
    return raw as T;
  }

  list(name: string): string[] {
    const raw = this.optional(name);
    if (raw === null) return [];
    return raw
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }
}
