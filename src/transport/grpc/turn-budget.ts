/**
 * Starts calls within a budget of event-loop time per turn, so that a burst of calls cannot
 * hold every answer until the last of them is done, nor hold other connections' calls
 * behind it.
 *
 * Node writes a connection's HTTP/2 frames once per turn of the event loop. One read from a
 * gateway's or a client's connection can carry dozens of calls, and with synchronous stores
 * (the embedded set-up's SQLite) each call runs to its end as soon as it arrives: the whole
 * burst ran in one turn, and the first answer left with the last. The callers' next calls
 * then arrived together too, so the server alternated between running a burst and waiting
 * for the next one, idle for part of each cycle.
 *
 * Past the budget, a call waits for a later turn: the answers so far go out and new input is
 * read first. Waiting calls are kept by the turn they arrived in, and taken in turn from
 * each arrival, so a thousand calls that came at once (a login storm, on its own
 * connection or multiplexed with everyone else's on a gateway's) delay a call that comes
 * after them by one call of theirs per turn, not by the whole thousand. Calls that arrived
 * together start in the order they came. Cheap calls (ValidateToken) fit many to a turn
 * and never wait; with stores that answer asynchronously a call's start is short, so
 * little ever waits either.
 */
export class TurnBudget {
  private turnStarted = -1;
  private turn = 0;
  /** Waiting calls by the turn they arrived in, oldest arrival first. */
  private readonly waiting = new Map<number, Array<() => void>>();
  private count = 0;

  constructor(private readonly budgetMs: number) {}

  /** Runs `start` now if this turn has time left and nothing is waiting, else in a later turn. */
  run(start: () => void): void {
    if (this.mayStartNow()) start();
    else this.wait(start);
  }

  /**
   * Whether a call may start now: this turn has time left and nothing is waiting. A caller
   * told no hands its start to `wait` (the hot path asks first, so that a call that runs at
   * once allocates nothing for the budget).
   */
  mayStartNow(): boolean {
    const now = performance.now();
    if (this.turnStarted < 0) this.beginTurn(now);
    return this.count === 0 && now - this.turnStarted < this.budgetMs;
  }

  /** Starts `start` in a later turn, after the calls that arrived before it. */
  wait(start: () => void): void {
    const queue = this.waiting.get(this.turn);
    if (queue) queue.push(start);
    else this.waiting.set(this.turn, [start]);
    this.count += 1;
  }

  /** Calls waiting for a turn (for tests). */
  get queued(): number {
    return this.count;
  }

  private beginTurn(now: number): void {
    this.turnStarted = now;
    this.turn += 1;
    setImmediate(this.nextTurn);
  }

  private readonly nextTurn = (): void => {
    this.turnStarted = -1;
    if (this.count === 0) return;
    this.beginTurn(performance.now());
    // One call from each arrival in turn; at least one call a turn, however long it takes.
    do {
      const [arrival, queue] = this.waiting.entries().next().value!;
      const start = queue.shift()!;
      this.count -= 1;
      // The arrival goes to the back of the line, or out of it once empty.
      this.waiting.delete(arrival);
      if (queue.length > 0) this.waiting.set(arrival, queue);
      start();
    } while (this.count > 0 && performance.now() - this.turnStarted < this.budgetMs);
  };
}

/** The budget each gRPC server gives a turn: room for a refresh rotation or two on the embedded set-up. */
export const TURN_BUDGET_MS = 1;
