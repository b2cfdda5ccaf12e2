import pino from 'pino';
import type { Config } from '../config/index.js';
import { stdoutDestination } from './log-destination.js';

/**
 * Structured JSON logs on stdout. Callers never pass secrets (tests check the logs of whole
 * flows for them); `redact` is the second line of defence, on the top-level field names a
 * secret would have. Wildcard paths would make every line markedly dearer, and the hottest
 * RPC, ValidateToken, logs one per call.
 */
export function createLogger(level: Config['logLevel'], name: string, destination?: pino.DestinationStream): pino.Logger {
  const options: pino.LoggerOptions = {
    name,
    level,
    base: { service: name },
    redact: {
      paths: ['password', 'token', 'accessToken', 'refreshToken', 'clientSecret', 'secret', 'authorization', 'cookie'],
      censor: '[redacted]',
    },
  };
  return pino(options, destination ?? stdoutDestination());
}
