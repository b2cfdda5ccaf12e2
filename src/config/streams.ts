/** The stream limits' part of the configuration: streams per connection, and watch streams per process and per caller. */
import { DEFAULT_STREAM_LIMITS, type StreamLimits } from '../transport/grpc/watch-streams.js';
import type { Reader } from './reader.js';

export function streamLimitsFrom(read: Reader): StreamLimits {
  const defaults = DEFAULT_STREAM_LIMITS;
  return {
    perConnection: read.int('GRPC_MAX_STREAMS_PER_CONNECTION', defaults.perConnection, 1, 10_000),
    revocationWatches: {
      perProcess: read.int('WATCH_STREAMS_MAX', defaults.revocationWatches.perProcess, 1, 1_000_000),
      perCaller: read.int('WATCH_STREAMS_PER_CLIENT', defaults.revocationWatches.perCaller, 1, 1_000_000),
    },
    healthWatches: {
      perProcess: read.int('HEALTH_WATCH_STREAMS_MAX', defaults.healthWatches.perProcess, 1, 1_000_000),
      perCaller: read.int('HEALTH_WATCH_STREAMS_PER_IP', defaults.healthWatches.perCaller, 1, 1_000_000),
    },
  };
}
