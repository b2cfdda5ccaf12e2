import pino from 'pino';
import type { Config } from './config';

/**
 * Structured JSON logs on stdout. Callers never pass secrets (tests check the logs of whole
 * flows for them); `redact` is the second line of defence, on the top-level field names a
 * secret would have. Wildcard paths would double the cost of every line, and the hottest
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
  return pino(options, destination ?? stdout());
}

/**
 * Standard output, written asynchronously: lines logged while a write is in flight go out
 * together in the next one, instead of one blocking write per line (a browser request logs
 * two lines, and those writes were a seventh of its CPU time). pino flushes what is left
 * synchronously when the process exits.
 */
function stdout(): pino.DestinationStream {
  return pino.destination({ dest: 1, sync: false });
}
