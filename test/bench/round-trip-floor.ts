/**
 * What one round trip costs a Node process on this machine before any of the service's
 * code runs: the CPU time (user + system, this process) of a timer that wakes an idle
 * event loop, a Redis GET, and a MongoDB `ping` and `findOne` by `_id` through the driver
 * with the service's client options, each awaited one after the other. Started by
 * shared-paths.ts on the server's core against the same FerretDB and Redis; announces the
 * microseconds per call. A path's CPU per request on the shared set-up reads against these:
 * a refresh waits on about four round trips in a row, GetMe on none.
 */
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { CONSISTENCY_OPTIONS } from '../../src/adapters/mongo/mongo-connect.js';
import { announce } from './child.js';

interface Settings {
  mongoUri: string;
  redisUrl: string;
  dbName: string;
  calls: number;
  rounds: number;
}

export interface RoundTripFloor {
  /** CPU µs per call, the least of the rounds. */
  timerWakeUs: number;
  redisGetUs: number;
  mongoPingUs: number;
  mongoFindOneUs: number;
}

const WARM_UP_CALLS = 500;
/** Long enough that the event loop sleeps between calls, as the server does between a store's replies. */
const TIMER_MS = 1;

async function cpuPerCall(calls: number, call: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < WARM_UP_CALLS; i++) await call();
  const from = process.cpuUsage();
  for (let i = 0; i < calls; i++) await call();
  const used = process.cpuUsage(from);
  return (used.user + used.system) / calls;
}

async function measure(settings: Settings): Promise<RoundTripFloor> {
  const mongo = new MongoClient(settings.mongoUri, CONSISTENCY_OPTIONS);
  const redis = new Redis(settings.redisUrl, { lazyConnect: true });
  await Promise.all([mongo.connect(), redis.connect()]);
  try {
    const db = mongo.db(settings.dbName);
    const documents = db.collection<{ _id: string; body: string }>('round_trip_floor');
    await documents.insertOne({ _id: 'floor', body: 'x'.repeat(500) });
    const best: RoundTripFloor = { timerWakeUs: Infinity, redisGetUs: Infinity, mongoPingUs: Infinity, mongoFindOneUs: Infinity };
    const keep = (key: keyof RoundTripFloor, us: number) => {
      best[key] = Math.min(best[key], us);
    };
    for (let round = 0; round < settings.rounds; round++) {
      keep('timerWakeUs', await cpuPerCall(settings.calls, () => new Promise((resolve) => setTimeout(resolve, TIMER_MS))));
      keep('redisGetUs', await cpuPerCall(settings.calls, () => redis.get('round-trip-floor')));
      keep('mongoPingUs', await cpuPerCall(settings.calls, () => db.command({ ping: 1 })));
      keep('mongoFindOneUs', await cpuPerCall(settings.calls, () => documents.findOne({ _id: 'floor' })));
    }
    await db.dropDatabase();
    return best;
  } finally {
    redis.disconnect();
    await mongo.close();
  }
}

const settings = JSON.parse(process.argv[2] ?? '{}') as Settings;
announce({ ...(await measure(settings)) });
