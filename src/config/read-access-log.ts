/** Which successful reads get an access log line (src/transport/grpc/access-log.ts); read by `loadConfig` (index.ts). */
import type { Reader } from './reader.js';

export interface ReadAccessLogConfig {
  /** The share of successful GetMe calls and GET /me requests logged, 0 to 1 (ADR 0021). */
  readonly readSample: number;
}

export function readAccessLogFrom(read: Reader): ReadAccessLogConfig {
  // Every one by default: an operator who relies on a line per request keeps it unless they choose otherwise.
  return { readSample: read.fraction('ACCESS_LOG_READ_SAMPLE', 1) };
}
