import pino from 'pino';
import type { Config } from './config';

/** Structured JSON logs on stdout. Callers never pass secrets; `redact` is the second line of defence. */
export function createLogger(level: Config['logLevel'], name: string): pino.Logger {
  return pino({
    name,
    level,
    base: { service: name },
    redact: {
      paths: ['password', 'token', 'refreshToken', 'clientSecret', '*.password', '*.token', 'authorization', '*.authorization'],
      censor: '[redacted]',
    },
  });
}
