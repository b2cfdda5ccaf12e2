/**
 * Moves the original service's clients into this service's store.
 *
 * - Dry run unless `apply`: everything is checked and counted, nothing is written.
 * - Idempotent and resumable: a client whose id is already stored is left as it is, so a
 *   second run changes nothing and an interrupted run is finished by running it again.
 * - A normalised email held by two documents, or by a client registered here under another
 *   id, is refused for every document that holds it: which one is the real owner is the
 *   operator's decision, not a guess of the import's.
 * - A suspended client is stored suspended and put on the revocation list: suspended in its
 *   document, or (for a client imported by this run) by a live key in the original's Redis.
 * - Groups are normalised, never a reason to refuse; each change is reported per document.
 */

import type { ClientStore } from '../../domain/clients/ports.js';
import type { ClientRecord } from '../../domain/kernel/client.js';
import { DuplicateKeyError } from '../../domain/kernel/errors.js';
import type { RevocationList } from '../../domain/revocation/ports.js';
import { convertOriginal, normalisedEmailOf, ORIGINAL_FIELDS, type OriginalDocument, withOriginalRedisSuspension } from './original-client.js';
import type { OriginalSuspension } from './original-redis.js';
import type { OriginalSource } from './original-source.js';

export interface ImportTarget {
  clients: ClientStore;
  revocations: Pick<RevocationList, 'suspendClient'>;
}

export interface ImportOptions {
  apply: boolean;
  /** Ids and normalised emails whose `admin` group is carried over. */
  keepAdmin: ReadonlySet<string>;
  /** The live suspensions in the original's Redis, by client id (`--from-redis`). */
  originalSuspensions?: ReadonlyMap<string, OriginalSuspension>;
  now?: () => number;
  progress?: (progress: ImportProgress) => void;
  batchSize?: number;
  /** Store calls in flight at once. */
  concurrency?: number;
}

export interface ImportProgress {
  /** What the import is doing now. */
  phase: 'checking emails' | 'reading the target' | 'importing';
  done: number;
  total: number;
}

export interface ImportSummary {
  applied: boolean;
  read: number;
  /** Written by this run (with `apply`), or that would be (dry run). */
  imported: number;
  alreadyImported: number;
  /** Imported (or already imported) clients that are suspended, and on the revocation list. */
  suspended: number;
  refused: { id: string; email: string; reason: string }[];
  /** Emails held by several documents, or by a client registered here under another id. */
  duplicates: { email: string; ids: string[]; registeredHereAs?: string }[];
  /** Documents that had the `admin` group, and whether it was kept (`--keep-admin`). */
  admins: { id: string; email: string; kept: boolean }[];
  /** Service clients without a secret: an admin gives each one with ResetServiceSecret. */
  servicesWithoutSecret: { id: string; email: string; name: string }[];
  /** Documents whose groups were normalised, and how. */
  groupChanges: { id: string; email: string; changes: string[] }[];
  /** Clients imported suspended because of a live key in the original's Redis, and when the original would have lifted it. */
  redisSuspensions: { id: string; email: string; wouldHaveLiftedAt: string | null }[];
  /** Suspension keys in the original's Redis not carried over, and why. */
  redisKeysNotCarried: { id: string; reason: string }[];
  /** Fields found in the original's documents that are not part of its schema and not carried. */
  fieldsNotCarried: string[];
}

const DEFAULT_BATCH = 500;
const DEFAULT_CONCURRENCY = 8;

export async function importOriginal(source: OriginalSource, target: ImportTarget, options: ImportOptions): Promise<ImportSummary> {
  const now = options.now ?? Date.now;
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const total = await source.count();
  const summary: ImportSummary = {
    applied: options.apply,
    read: 0,
    imported: 0,
    alreadyImported: 0,
    suspended: 0,
    refused: [],
    duplicates: [],
    admins: [],
    servicesWithoutSecret: [],
    groupChanges: [],
    redisSuspensions: [],
    redisKeysNotCarried: [],
    fieldsNotCarried: [],
  };
  const suspensions = options.originalSuspensions ?? new Map<string, OriginalSuspension>();
  // Of the ids in the original's Redis: those with a document, and those whose document was not carried.
  const inSource = new Set<string>();
  const notCarried = new Set<string>();

  // First pass: which normalised emails more than one document holds.
  const idsByEmail = new Map<string, string[]>();
  let checked = 0;
  for await (const batch of source.documents(batchSize)) {
    checked += batch.length;
    options.progress?.({ phase: 'checking emails', done: checked, total: Math.max(total, checked) });
    for (const document of batch) {
      if (suspensions.has(document.id)) inSource.add(document.id);
      const email = normalisedEmailOf(document);
      if (email !== null) idsByEmail.set(email, [...(idsByEmail.get(email) ?? []), document.id]);
    }
  }
  for (const [email, ids] of idsByEmail) if (ids.length > 1) summary.duplicates.push({ email, ids });
  const duplicated = new Set(summary.duplicates.map((duplicate) => duplicate.email));
  idsByEmail.clear();

  // What the target already holds, read once in id order: a lookup per document would cost
  // a store round trip each (and a collection scan on stores that cannot index a filter).
  options.progress?.({ phase: 'reading the target', done: 0, total: 0 });
  const stored = await storedClients(target.clients);

  const extraFields = new Set<string>();
  const importOne = async (document: OriginalDocument): Promise<void> => {
    for (const field of Object.keys(document.fields)) if (!ORIGINAL_FIELDS.has(field)) extraFields.add(field);
    const email = normalisedEmailOf(document);
    if (email !== null && duplicated.has(email)) {
      notCarried.add(document.id);
      return;
    }
    const conversion = convertOriginal(document, options.keepAdmin, new Date(now()));
    if (!conversion.ok) {
      notCarried.add(document.id);
      summary.refused.push({ id: document.id, email: typeof document.fields['email'] === 'string' ? document.fields['email'] : '', reason: conversion.reason });
      return;
    }
    let { record } = conversion;
    if (conversion.groupChanges.length > 0) summary.groupChanges.push({ id: record.id, email: record.email, changes: conversion.groupChanges });
    if (conversion.hadAdmin) summary.admins.push({ id: record.id, email: record.email, kept: conversion.adminKept });
    const existing = stored.byId.get(record.id);
    const live = suspensions.get(record.id);
    if (existing) {
      // Like any change made in the original after a client was imported, not carried: an admin here may have reinstated it.
      if (live && !existing.suspended) summary.redisKeysNotCarried.push({ id: record.id, reason: 'already imported, and active here: left as it is' });
      summary.alreadyImported++;
      await noteCarried(existing);
      return;
    }
    const holder = stored.idByEmail.get(record.email);
    if (holder !== undefined) {
      notCarried.add(record.id);
      summary.duplicates.push({ email: record.email, ids: [record.id], registeredHereAs: holder });
      return;
    }
    const suspendedByKey = live !== undefined && !record.suspended;
    if (suspendedByKey) record = withOriginalRedisSuspension(record, live.endsAt, new Date(now()));
    if (options.apply) {
      try {
        await target.clients.insert(record);
      } catch (error) {
        if (!(error instanceof DuplicateKeyError)) throw error;
        // A registration, or another run, took the email or the id since the target was read.
        const raced = (await target.clients.findById(record.id)) ?? (await target.clients.findByEmail(record.email));
        if (raced?.id === record.id) {
          summary.alreadyImported++;
          await noteCarried(carriedOf(raced));
        } else {
          notCarried.add(record.id);
          summary.duplicates.push({ email: record.email, ids: [record.id], ...(raced ? { registeredHereAs: raced.id } : {}) });
        }
        return;
      }
    }
    summary.imported++;
    if (suspendedByKey) summary.redisSuspensions.push({ id: record.id, email: record.email, wouldHaveLiftedAt: live.endsAt?.toISOString() ?? null });
    await noteCarried(carriedOf(record));
  };
  const noteCarried = async (client: CarriedClient): Promise<void> => {
    if (client.kind === 'service' && !client.hasSecret) {
      summary.servicesWithoutSecret.push({ id: client.id, email: client.email, name: client.name });
    }
    if (client.suspended) {
      summary.suspended++;
      // Again on every run: cheap, idempotent, and it repairs a run cut off between the two writes.
      if (options.apply) await target.revocations.suspendClient(client.id);
    }
  };

  for await (const batch of source.documents(batchSize)) {
    await eachLimited(batch, options.concurrency ?? DEFAULT_CONCURRENCY, importOne);
    summary.read += batch.length;
    options.progress?.({ phase: 'importing', done: summary.read, total: Math.max(total, summary.read) });
  }
  for (const id of suspensions.keys()) {
    if (!inSource.has(id)) summary.redisKeysNotCarried.push({ id, reason: "no document with this id in the original's users" });
    else if (notCarried.has(id)) summary.redisKeysNotCarried.push({ id, reason: 'its document was refused' });
  }
  summary.fieldsNotCarried = [...extraFields].sort();
  const byId = [summary.refused, summary.admins, summary.servicesWithoutSecret, summary.groupChanges, summary.redisSuspensions, summary.redisKeysNotCarried];
  for (const list of byId) list.sort((a, b) => (a.id < b.id ? -1 : 1));
  summary.duplicates.sort((a, b) => (a.email < b.email ? -1 : 1));
  return summary;
}

/** What the import needs to know of a stored client. */
interface CarriedClient {
  id: string;
  kind: ClientRecord['kind'];
  email: string;
  name: string;
  hasSecret: boolean;
  suspended: boolean;
}

function carriedOf(client: ClientRecord): CarriedClient {
  return { id: client.id, kind: client.kind, email: client.email, name: client.name, hasSecret: client.secretHash !== null, suspended: client.suspended };
}

// Large pages: a store that cannot use an index for the cursor scans once per page.
const STORED_PAGE = 10_000;

async function storedClients(clients: ClientStore): Promise<{ byId: Map<string, CarriedClient>; idByEmail: Map<string, string> }> {
  const byId = new Map<string, CarriedClient>();
  const idByEmail = new Map<string, string>();
  let afterId: string | undefined;
  for (;;) {
    const page = await clients.list({ limit: STORED_PAGE, ...(afterId === undefined ? {} : { afterId }) });
    for (const client of page) {
      byId.set(client.id, carriedOf(client));
      idByEmail.set(client.email, client.id);
    }
    if (page.length < STORED_PAGE) return { byId, idByEmail };
    afterId = page[page.length - 1]!.id;
  }
}

async function eachLimited<T>(items: readonly T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await run(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
