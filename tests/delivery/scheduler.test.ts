import { describe, expect, it } from "vitest";
import { ByteBudget } from "@/lib/delivery/byte-budget";
import { DeliveryScheduler, MAX_CLAIM, type Run, type SchedulerLimits, type Timers } from "@/lib/delivery/scheduler";

// The worker's scheduling rules on a fake clock: no database, no sockets, no sleeps.

type Item = { id: number; targetId: number; size: number };

/** Timers that fire only when the test moves the clock. */
function fakeClock() {
  let now = 0;
  let seq = 0;
  const pending = new Map<number, { at: number; fn: () => void }>();
  const timers: Timers = {
    setTimeout: (fn, ms) => {
      pending.set(++seq, { at: now + ms, fn });
      return seq;
    },
    clearTimeout: (handle) => void pending.delete(handle as number),
  };
  return {
    timers,
    now: () => now,
    pending: () => pending.size,
    advance(ms: number) {
      const end = now + ms;
      for (;;) {
        const due = [...pending].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
        if (!due) break;
        pending.delete(due[0]);
        now = due[1].at;
        due[1].fn();
      }
      now = end;
    },
  };
}

function setup(limits: Partial<SchedulerLimits> = {}, budgetBytes = 1 << 30) {
  const clock = fakeClock();
  const budget = new ByteBudget(budgetBytes);
  let slotsFreed = 0;
  const scheduler = new DeliveryScheduler<Item>({
    limits: { concurrency: 8, perTargetConcurrency: 2, slowAfterMs: 250, maxInFlight: 64, ...limits },
    budget,
    targetOf: (item) => item.targetId,
    sizeOf: (item) => item.size,
    timers: clock.timers,
    onSlotFreed: () => slotsFreed++,
  });
  let nextId = 1;
  const item = (targetId: number, size = 100): Item => ({ id: nextId++, targetId, size });
  /** Admits a task and returns its run; fails the test if it does not start. */
  const start = (targetId: number, size?: number): Run<Item> => {
    const admission = scheduler.admit(item(targetId, size));
    if (admission.kind !== "start") throw new Error(`expected a start for target ${targetId}, got ${admission.kind}`);
    return admission.run;
  };
  return { scheduler, clock, budget, item, start, slotsFreed: () => slotsFreed };
}

const ids = (runs: Run<Item>[]) => runs.map((r) => r.item.id);

describe("slots overall and per target", () => {
  it("a claim takes at most the free concurrency slots, capped per claim", () => {
    const { scheduler, start } = setup({ concurrency: 8 });
    expect(scheduler.claimLimit()).toBe(8);
    start(1);
    start(2);
    expect(scheduler.claimLimit()).toBe(6);
    expect(setup({ concurrency: 500, maxInFlight: 4000 }).scheduler.claimLimit()).toBe(MAX_CLAIM);
  });

  it("claims in batches: with deliveries in flight, not before a quarter of the slots is free", () => {
    const { scheduler, start } = setup({ concurrency: 8, perTargetConcurrency: 8 });
    const runs = Array.from({ length: 7 }, () => start(1));
    expect(scheduler.claimLimit()).toBe(0); // 1 free < 2
    scheduler.finish(runs[0]);
    expect(scheduler.claimLimit()).toBe(2);
    for (const run of runs.slice(1)) scheduler.finish(run);
    expect(scheduler.claimLimit()).toBe(8);
  });

  it("a target gets perTargetConcurrency deliveries; the next of its tasks waits while other targets start", () => {
    const { scheduler, item, start } = setup({ perTargetConcurrency: 2 });
    start(1);
    start(1);
    expect(scheduler.admit(item(1)).kind).toBe("hold");
    expect(scheduler.admit(item(2)).kind).toBe("start");
    expect(scheduler.claimed()).toBe(4);
  });
});

describe("waiting tasks", () => {
  it("start oldest first when their target's slot frees, one per free slot", () => {
    const { scheduler, item, start } = setup({ perTargetConcurrency: 1 });
    const first = start(1);
    const waiting = [item(1), item(1), item(1)];
    for (const w of waiting) expect(scheduler.admit(w).kind).toBe("hold");
    const next = scheduler.finish(first);
    expect(ids(next)).toEqual([waiting[0].id]);
    expect(ids(scheduler.finish(next[0]))).toEqual([waiting[1].id]);
    expect(scheduler.claimed()).toBe(2);
  });

  it("a finished delivery starts its own target's waiting task first, then others' that waited for the byte budget", () => {
    // Budget for two deliveries of 1,000 bytes (cost = 4 × size + 16 KiB each), not three.
    const budget = new ByteBudget().deliveryCost(1_000) * 2;
    const { scheduler, item, start } = setup({ perTargetConcurrency: 2 }, budget);
    const a = start(1, 1_000);
    start(2, 1_000);
    const sameTarget = item(1, 1_000);
    const otherTarget = item(3, 1_000);
    expect(scheduler.admit(sameTarget).kind).toBe("hold"); // a slot, but no budget
    expect(scheduler.admit(otherTarget).kind).toBe("hold");
    expect(scheduler.excludedTargets().sort()).toEqual([1, 3]);
    expect(ids(scheduler.finish(a))).toEqual([sameTarget.id]);
  });

  it("tasks of other targets waiting for the budget start when bytes free up", () => {
    const budget = new ByteBudget().deliveryCost(1_000) * 2;
    const { scheduler, item, start } = setup({}, budget);
    const a = start(1, 1_000);
    start(2, 1_000);
    const waiting = item(3, 1_000);
    expect(scheduler.admit(waiting).kind).toBe("hold");
    expect(ids(scheduler.finish(a))).toEqual([waiting.id]);
  });

  it("an event larger than the whole budget still starts when nothing else is in flight", () => {
    const { scheduler, item } = setup({}, 1_000);
    expect(scheduler.admit(item(1, 10_000)).kind).toBe("start");
  });

  it("waiting tasks are bounded apart from deliveries: at maxInFlight of them, no claim", () => {
    const { scheduler, item, start } = setup({ perTargetConcurrency: 1, maxInFlight: 3 });
    start(1);
    for (let i = 0; i < 2; i++) scheduler.admit(item(1));
    expect(scheduler.claimLimit()).toBe(2);
    scheduler.admit(item(1));
    expect(scheduler.claimLimit()).toBe(0);
  });

  it("after stop, waiting tasks are dropped and a finished delivery starts none", () => {
    const { scheduler, item, start } = setup({ perTargetConcurrency: 1 });
    const run = start(1);
    scheduler.admit(item(1));
    scheduler.stop();
    expect(scheduler.claimed()).toBe(1);
    scheduler.hold(item(1)); // a return to the queue that failed while stopping
    expect(scheduler.finish(run)).toEqual([]);
    expect(scheduler.claimed()).toBe(1);
  });
});

describe("the slow lane", () => {
  it("a delivery turns slow at exactly slowAfterMs: it frees its concurrency slot and its target gets one at a time", () => {
    const { scheduler, clock, item, start, slotsFreed } = setup({ concurrency: 4, perTargetConcurrency: 2 });
    start(1);
    expect(scheduler.claimLimit()).toBe(3);
    clock.advance(249);
    expect(slotsFreed()).toBe(0);
    expect(scheduler.claimLimit()).toBe(3);
    expect(scheduler.excludedTargets()).toEqual([]);
    clock.advance(1);
    expect(slotsFreed()).toBe(1);
    expect(scheduler.claimLimit()).toBe(4);
    expect(scheduler.excludedTargets()).toEqual([1]);
    expect(scheduler.admit(item(1)).kind).toBe("hold");
  });

  it("a slow delivery that ends does not free its concurrency slot twice", () => {
    const { scheduler, clock, start } = setup({ concurrency: 4 });
    const slow = start(1);
    clock.advance(250);
    start(2);
    expect(scheduler.claimLimit()).toBe(3);
    scheduler.finish(slow);
    expect(scheduler.claimLimit()).toBe(3);
    expect(scheduler.claimed()).toBe(1);
  });

  it("a delivery that ends in time never turns slow", () => {
    const { scheduler, clock, item, start, slotsFreed } = setup({ perTargetConcurrency: 2 });
    const run = start(1);
    clock.advance(249);
    scheduler.finish(run);
    expect(clock.pending()).toBe(0);
    clock.advance(1_000);
    expect(slotsFreed()).toBe(0);
    start(1);
    expect(scheduler.admit(item(1)).kind).toBe("start");
  });

  it("a slow target keeps all its waiting tasks, and leaves the lane on a success", () => {
    const { scheduler, clock, item, start } = setup({ perTargetConcurrency: 3 });
    const run = start(1);
    clock.advance(250);
    const waiting = [item(1), item(1), item(1)];
    for (const w of waiting) expect(scheduler.admit(w).kind).toBe("hold");
    expect(scheduler.claimed()).toBe(4);
    expect(scheduler.outcome(1, true)).toEqual([]);
    // Out of the slow lane: its three slots again, so three waiting tasks start as the delivery ends.
    expect(ids(scheduler.finish(run))).toEqual(waiting.map((w) => w.id));
  });
});

describe("failing targets", () => {
  it("one delivery at a time; one task waits, the surplus goes back to the queue", () => {
    const { scheduler, item, start } = setup({ perTargetConcurrency: 4 });
    const run = start(1);
    expect(scheduler.outcome(1, false)).toEqual([]);
    scheduler.finish(run);
    start(1);
    const waits = item(1);
    expect(scheduler.admit(waits).kind).toBe("hold");
    expect(scheduler.admit(item(1)).kind).toBe("giveBack");
    expect(scheduler.admit(item(2)).kind).toBe("start");
    expect(scheduler.excludedTargets()).toEqual([1]);
  });

  it("a target that turns failing keeps its oldest waiting task and returns the rest", () => {
    const { scheduler, item, start } = setup({ perTargetConcurrency: 1 });
    const run = start(1);
    const waiting = [item(1), item(1), item(1)];
    for (const w of waiting) scheduler.admit(w);
    expect(scheduler.outcome(1, false).map((i) => i.id)).toEqual([waiting[1].id, waiting[2].id]);
    expect(scheduler.claimed()).toBe(2);
    expect(ids(scheduler.finish(run))).toEqual([waiting[0].id]);
  });

  it("a success ends the failing state: the target gets its slots again", () => {
    const { scheduler, item, start } = setup({ perTargetConcurrency: 2 });
    scheduler.outcome(1, false);
    const run = start(1);
    const waits = item(1);
    expect(scheduler.admit(waits).kind).toBe("hold");
    expect(scheduler.outcome(1, true)).toEqual([]);
    expect(ids(scheduler.finish(run))).toEqual([waits.id]);
    expect(scheduler.admit(item(1)).kind).toBe("start");
    expect(scheduler.excludedTargets()).toEqual([1]);
  });

  it("tasks whose return to the queue failed wait, even beyond the one a failing target keeps", () => {
    const { scheduler, item, start } = setup({ perTargetConcurrency: 1 });
    const run = start(1);
    scheduler.outcome(1, false);
    scheduler.admit(item(1));
    const back = [item(1), item(1)];
    for (const b of back) scheduler.hold(b);
    expect(scheduler.claimed()).toBe(4);
    expect(scheduler.finish(run)).toHaveLength(1);
  });
});

describe("maxInFlight", () => {
  it("bounds all deliveries in flight, slow ones included", () => {
    const { scheduler, clock, start } = setup({ concurrency: 2, maxInFlight: 3 });
    start(1);
    start(2);
    expect(scheduler.claimLimit()).toBe(0);
    clock.advance(250); // both slow: their concurrency slots are free, but only one more may be in flight
    expect(scheduler.claimLimit()).toBe(1);
    start(3);
    expect(scheduler.claimLimit()).toBe(0);
  });
});

describe("the next claim's exclusions", () => {
  it("skips targets with waiting tasks or without a free slot, and no others", () => {
    const { scheduler, item, start } = setup({ perTargetConcurrency: 2 });
    start(1);
    start(1); // full
    start(2); // one slot left
    const run3 = start(3);
    scheduler.admit(item(4, 100)); // starts: target 4 has slots
    expect(scheduler.excludedTargets()).toEqual([1]);
    expect(scheduler.excludes(2)).toBe(false);
    start(3);
    expect(scheduler.admit(item(3)).kind).toBe("hold");
    scheduler.finish(run3); // the waiting task takes the freed slot
    expect(scheduler.excludedTargets().sort()).toEqual([1, 3]);
  });

  it("a claim is not limited by the byte budget until it is full", () => {
    const { scheduler, budget, start } = setup({}, new ByteBudget().deliveryCost(100) * 2);
    start(1);
    expect(scheduler.claimLimit()).toBeGreaterThan(0);
    start(2);
    expect(budget.full()).toBe(true);
    expect(scheduler.claimLimit()).toBe(0);
  });
});
