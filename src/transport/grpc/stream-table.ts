import { types } from 'node:util';
import v8 from 'node:v8';

/**
 * Keeps each HTTP/2 session's open streams in a table that a long-lived connection does not
 * turn into a chain of garbage the young-generation GC must copy.
 *
 * Node's HTTP/2 session keeps its open streams in a `Map` keyed by stream id: every call
 * adds its stream and deletes it at the end. V8 gives a `Map` a new hash table each time
 * the old one fills with deleted entries (every few dozen calls here), and the table it
 * replaces keeps its entries and a link to its successor. That costs nothing while the
 * replaced tables die young. But a full GC moves the live table to the old generation, and
 * once that table is replaced, the young-generation GC (which takes every old object's
 * pointers into the young generation as live) keeps its successor, every stream in it and
 * everything those streams hold; they are promoted in turn and keep the next table, and so
 * on until the next full GC, which starts the chain again. On a connection that stays open
 * (a gateway's, a service's channel) the chain never ends. What it cost, and which Node and
 * grpc-js internals this relies on: docs/adr/0005-http2-stream-table-and-pretenuring.md.
 *
 * The table keeps the streams as the integer-keyed properties of a plain object, whose
 * replaced stores keep no link to anything. It has the part of the `Map` interface Node's
 * HTTP/2 code uses for a session's streams: `get`, `set`, `delete`, `size`, `forEach`.
 */
export class StreamTable<Stream> {
  private readonly byId: Record<number, Stream> = Object.create(null) as Record<number, Stream>;
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(id: number): Stream | undefined {
    return this.byId[id];
  }

  has(id: number): boolean {
    return this.byId[id] !== undefined;
  }

  set(id: number, stream: Stream): this {
    if (this.byId[id] === undefined) this.count += 1;
    this.byId[id] = stream;
    return this;
  }

  delete(id: number): boolean {
    if (this.byId[id] === undefined) return false;
    delete this.byId[id];
    this.count -= 1;
    return true;
  }

  /** In id order (the order streams opened); a stream deleted by an earlier callback is skipped, as a `Map` does. */
  forEach(visit: (stream: Stream, id: number, table: this) => void): void {
    for (const key of Object.keys(this.byId)) {
      const stream = this.byId[Number(key)];
      if (stream !== undefined) visit(stream, Number(key), this);
    }
  }

  /** Only for code that iterates a session's streams directly (Node's own code does not). */
  *[Symbol.iterator](): IterableIterator<[number, Stream]> {
    for (const key of Object.keys(this.byId)) {
      const stream = this.byId[Number(key)];
      if (stream !== undefined) yield [Number(key), stream];
    }
  }
}

/** The part of a session's internal state the table replaces. */
interface SessionState {
  streams: ReadonlyMap<number, unknown> | StreamTable<unknown>;
}

/**
 * A session's internal state: Node keeps it under a symbol whose description is `state`,
 * with the streams in `streams`. Null when this Node does not lay it out so.
 */
function sessionState(session: object): SessionState | null {
  for (const key of Object.getOwnPropertySymbols(session)) {
    if (key.description !== 'state') continue;
    const state = (session as Record<symbol, unknown>)[key];
    if (typeof state === 'object' && state !== null && 'streams' in state) {
      // Node's own Map (a subclass with no link to the global one), hence isMap, not instanceof.
      const streams = (state as SessionState).streams;
      if (types.isMap(streams) || streams instanceof StreamTable) return state as SessionState;
    }
  }
  return null;
}

/**
 * Moves a session's streams into a StreamTable (the ones open now included). Returns
 * whether the session keeps its streams in one now; false when this Node keeps them in
 * some other way, which is left as it is.
 */
export function keepStreamsInTable(session: object): boolean {
  const state = sessionState(session);
  if (!state) return false;
  if (state.streams instanceof StreamTable) return true;
  const table = new StreamTable<unknown>();
  for (const [id, stream] of state.streams) table.set(id, stream);
  state.streams = table;
  return true;
}

/** Whether a session keeps its streams in a StreamTable (for tests). */
export function keepsStreamsInTable(session: object): boolean {
  return sessionState(session)?.streams instanceof StreamTable;
}

/** What the table needs of an HTTP/2 server: its `session` event. */
interface SessionSource {
  on(event: 'session', listener: (session: object) => void): unknown;
}

/** The HTTP/2 servers a grpc-js Server listens with: a private field, so looked up with care. */
function http2ServersOf(server: object): SessionSource[] | null {
  const servers = (server as { http2Servers?: unknown }).http2Servers;
  if (!(servers instanceof Map)) return null;
  const list = [...servers.keys()] as unknown[];
  return list.every((s) => typeof s === 'object' && s !== null && typeof (s as { on?: unknown }).on === 'function') ? (list as SessionSource[]) : null;
}

/** How many HTTP/2 sessions a server has opened, and how many of them keep their streams in a StreamTable. */
export interface StreamTableCount {
  readonly sessions: number;
  readonly withTables: number;
  /** Why sessions cannot get a table, once known; null while they all do. */
  readonly problem: string | null;
}

/**
 * Gives every session of a bound grpc-js server a StreamTable as it opens. When it cannot
 * (a grpc-js or Node laid out otherwise) the server serves as before, with the `Map`, and
 * `onProblem` is told once why.
 */
export function keepServerStreamsInTables(server: object, onProblem: (reason: string) => void): StreamTableCount {
  const count = { sessions: 0, withTables: 0, problem: null as string | null };
  const problem = (reason: string) => {
    if (count.problem !== null) return;
    count.problem = reason;
    onProblem(reason);
  };
  const http2Servers = http2ServersOf(server);
  if (!http2Servers || http2Servers.length === 0) {
    problem('the gRPC server does not expose its HTTP/2 servers as this version of grpc-js was expected to');
    return count;
  }
  for (const http2Server of http2Servers) {
    http2Server.on('session', (session) => {
      count.sessions += 1;
      if (keepStreamsInTable(session)) count.withTables += 1;
      else problem("this Node does not keep an HTTP/2 session's streams as expected");
    });
  }
  return count;
}

/**
 * Turns off V8's allocation-site pretenuring for this process, the second way a
 * long-lived connection's calls ended up promoted wholesale.
 *
 * V8 counts, at each full GC, how many objects of each allocation site survived; a site
 * whose objects mostly survive gets its later objects allocated straight into the old
 * generation. A server that is idle for a while (V8's memory reducer then shrinks the heap)
 * and then loaded runs full GCs while dozens of calls are in flight, so the sites of a
 * call's objects look long-lived: from then on those objects are born old, die at the end of
 * their call, and until the next full GC keep everything young they point to alive (see
 * docs/adr/0005-http2-stream-table-and-pretenuring.md). A server allocates almost nothing
 * that lives long, so pretenuring has nothing to win here. Applies to the whole process,
 * once.
 */
export function stopPretenuring(): void {
  v8.setFlagsFromString('--no-allocation-site-pretenuring');
}
