import type { ByteBudget } from "@/lib/delivery/byte-budget";

/** Timers by injection: the real ones in the worker, a fake clock in the tests. */
export type Timers = {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

export const systemTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export type SchedulerLimits = {
  /** Deliveries younger than `slowAfterMs` at once. */
  concurrency: number;
  /** Deliveries of one healthy target at once (one for a failing or slow target). */
  perTargetConcurrency: number;
  /** A request unanswered this long moves to the slow lane and stops holding a concurrency slot. */
  slowAfterMs: number;
  /** Bound on all deliveries in flight, slow ones included, and apart from them on the tasks waiting. */
  maxInFlight: number;
};

export type SchedulerOptions<T> = {
  limits: SchedulerLimits;
  /** Counts the deliveries in flight; the worker counts the event data its claimed tasks hold in it. */
  budget: ByteBudget;
  targetOf: (item: T) => number;
  /** The size of the item's event data, from which its delivery's cost in the budget follows. */
  sizeOf: (item: T) => number;
  timers: Timers;
  /** A delivery turned slow: a concurrency slot is free, so the worker may claim again. */
  onSlotFreed: () => void;
};

/** A delivery the scheduler has started: give it back to `finish` when it ends. */
export type Run<T> = {
  readonly item: T;
  readonly targetId: number;
  readonly cost: number;
  slow: boolean;
  timer: unknown;
};

export type Admission<T> = { kind: "start"; run: Run<T> } | { kind: "hold" } | { kind: "giveBack" };

/** Tasks taken by one claim at most: each claim (and its load and its recording) serves many deliveries. */
export const MAX_CLAIM = 100;

/**
 * The delivery worker's scheduling rules, without the database and without I/O: which claimed task
 * starts now and which waits for its target's slot, which waiting task starts when a slot frees,
 * when a delivery turns slow, how many tasks the next claim may take and which targets it skips.
 *
 * - Concurrency is bounded overall (`concurrency`, deliveries younger than `slowAfterMs`) and per
 *   target (`perTargetConcurrency`); all deliveries in flight, slow ones included, by `maxInFlight`.
 * - A request unanswered for `slowAfterMs` moves to a slow lane: it no longer holds one of the
 *   `concurrency` slots, and its target gets one delivery at a time until a delivery to it succeeds,
 *   so slow or dead endpoints cannot take the worker away from healthy ones.
 * - A failing target (its last attempt did not succeed) gets one delivery at a time too, and keeps
 *   one waiting task: the rest go back to the queue (a dead target's backlog must not sit in this
 *   worker). A slow target's waiting tasks stay (a busy worker makes every target look slow).
 * - A claim may take many tasks of one target (its backlog is oldest); those without a slot wait
 *   here, oldest first, and the next claims skip that target, so other targets' tasks are taken
 *   meanwhile.
 * - A delivery starts only when its cost fits the byte budget (lib/delivery/byte-budget.ts); a task
 *   that cannot start for the budget waits with its target's.
 */
export class DeliveryScheduler<T> {
  private active = 0;
  private inFlight = 0;
  private perTarget = new Map<number, number>();
  private held = new Map<number, T[]>();
  private heldCount = 0;
  private failing = new Set<number>();
  private slow = new Set<number>();
  private stopped = false;

  constructor(private readonly o: SchedulerOptions<T>) {}

  /** Deliveries in flight plus tasks waiting: the claims whose leases this worker renews. */
  claimed(): number {
    return this.inFlight + this.heldCount;
  }

  /** How many tasks the next claim may take; 0: do not claim now. */
  claimLimit(): number {
    const { concurrency, maxInFlight } = this.o.limits;
    const free = Math.min(concurrency - this.active, maxInFlight - this.inFlight);
    // Waiting tasks are bounded apart from those in flight: a slow target's batch must not stop the claims for the others.
    if (free <= 0 || this.heldCount >= maxInFlight) return 0;
    // Memory: the event data held and the deliveries in flight are at the byte budget.
    if (this.o.budget.full()) return 0;
    // Claim in batches: while deliveries are in flight, wait until a quarter of the slots are free.
    if (this.active > 0 && free < Math.max(1, Math.floor(concurrency / 4))) return 0;
    return Math.min(free, MAX_CLAIM);
  }

  /** Targets the next claim must skip: those with waiting tasks or without a free slot. */
  excludedTargets(): number[] {
    return [...new Set([...this.held.keys(), ...this.perTarget.keys()])].filter((t) => this.excludes(t));
  }

  excludes(targetId: number): boolean {
    return this.held.has(targetId) || (this.perTarget.get(targetId) ?? 0) >= this.targetLimit(targetId);
  }

  /**
   * A claimed task: it starts now if its target has a free slot and its cost fits the budget;
   * otherwise it waits, except a failing target's task when one of the target's already waits
   * (give it back to the queue).
   */
  admit(item: T): Admission<T> {
    const targetId = this.o.targetOf(item);
    if ((this.perTarget.get(targetId) ?? 0) < this.targetLimit(targetId) && this.affordable(item))
      return { kind: "start", run: this.begin(item) };
    if (!this.failing.has(targetId) || !this.held.get(targetId)?.length) {
      this.hold(item);
      return { kind: "hold" };
    }
    return { kind: "giveBack" };
  }

  /** Tasks that must wait whatever their target's state (giving them back to the queue failed). */
  hold(item: T) {
    const targetId = this.o.targetOf(item);
    const list = this.held.get(targetId) ?? [];
    list.push(item);
    this.held.set(targetId, list);
    this.heldCount++;
  }

  /**
   * A delivery ended: its slots are free. Returns the waiting tasks started in its place, its
   * target's first (oldest first), then other targets' that waited for the budget.
   */
  finish(run: Run<T>): Run<T>[] {
    this.o.timers.clearTimeout(run.timer);
    if (!run.slow) this.active--;
    this.inFlight--;
    this.o.budget.finish(run.cost);
    const n = (this.perTarget.get(run.targetId) ?? 1) - 1;
    if (n <= 0) this.perTarget.delete(run.targetId);
    else this.perTarget.set(run.targetId, n);
    const started = this.startHeld(run.targetId);
    for (const other of [...this.held.keys()]) if (other !== run.targetId) started.push(...this.startHeld(other));
    return started;
  }

  /**
   * A delivery's result. A success takes its target out of the failing and slow lanes; anything
   * else makes it failing: returns its waiting tasks but the oldest, to give back to the queue.
   */
  outcome(targetId: number, succeeded: boolean): T[] {
    if (succeeded) {
      this.failing.delete(targetId);
      this.slow.delete(targetId);
      return [];
    }
    this.failing.add(targetId);
    const list = this.held.get(targetId);
    if (!list || list.length <= 1) return [];
    const back = list.splice(1);
    this.heldCount -= back.length;
    return back;
  }

  /**
   * The worker stops: waiting tasks are dropped (their leases are released) and none starts any
   * more. Answers the dropped tasks.
   */
  stop(): T[] {
    this.stopped = true;
    const dropped = [...this.held.values()].flat();
    this.held.clear();
    this.heldCount = 0;
    return dropped;
  }

  private targetLimit(targetId: number) {
    return this.failing.has(targetId) || this.slow.has(targetId) ? 1 : this.o.limits.perTargetConcurrency;
  }

  private cost(item: T) {
    return this.o.budget.deliveryCost(this.o.sizeOf(item));
  }

  private affordable(item: T) {
    return this.o.budget.canStart(this.cost(item));
  }

  private begin(item: T): Run<T> {
    const targetId = this.o.targetOf(item);
    const run: Run<T> = { item, targetId, cost: this.cost(item), slow: false, timer: undefined };
    this.o.budget.start(run.cost);
    this.perTarget.set(targetId, (this.perTarget.get(targetId) ?? 0) + 1);
    this.inFlight++;
    this.active++;
    run.timer = this.o.timers.setTimeout(() => {
      run.slow = true;
      this.active--;
      this.slow.add(targetId);
      this.o.onSlotFreed();
    }, this.o.limits.slowAfterMs);
    return run;
  }

  /** Starts the target's waiting tasks while it has free slots and the byte budget allows. */
  private startHeld(targetId: number): Run<T>[] {
    const started: Run<T>[] = [];
    const list = this.held.get(targetId);
    while (
      !this.stopped &&
      list?.length &&
      (this.perTarget.get(targetId) ?? 0) < this.targetLimit(targetId) &&
      this.affordable(list[0]!)
    ) {
      this.heldCount--;
      started.push(this.begin(list.shift()!));
    }
    if (list && list.length === 0) this.held.delete(targetId);
    return started;
  }
}
