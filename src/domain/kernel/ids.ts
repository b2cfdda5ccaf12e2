import { randomInt } from 'node:crypto';
import { v7 } from 'uuid';

/** The time and 32-bit counter of the last id made, so the next one sorts after it. */
const last = { msecs: -Infinity, seq: 0 };

/**
 * A UUIDv7 (RFC 9562): time-ordered, so ids sort by creation and list pages in
 * registration order, and outbox entries sort in the order they were written. Within one
 * process ids are strictly increasing, even within one millisecond or when the clock
 * steps back: ids carry a counter (RFC 9562, method 1) that starts at random each
 * millisecond.
 *
 * The `uuid` package lays out the bytes. It keeps that counter only for ids stamped with
 * its own Date.now(); ours are stamped with the caller's clock (the domain's injected
 * one), so the counter is kept here and handed to it.
 */
export function newId(now: number = Date.now()): string {
  if (now > last.msecs) {
    last.msecs = now;
    // Below 2^31, leaving room to count up within the millisecond.
    last.seq = randomInt(0x80000000);
  } else {
    last.seq = (last.seq + 1) >>> 0;
    if (last.seq === 0) last.msecs++;
  }
  return v7({ msecs: last.msecs, seq: last.seq });
}

/**
 * The least id `newId(msecs)` or any later call can return: every id made at or after
 * `msecs` sorts at or after it (an id's time is never before the time it was made with), so
 * "made at or after a time" can be read from the index of ids.
 */
export function firstIdAt(msecs: number): string {
  const time = Math.max(0, Math.min(msecs, 0xffffffffffff)).toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-0000-0000-000000000000`;
}

const ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isId(value: string): boolean {
  return ID_PATTERN.test(value);
}
