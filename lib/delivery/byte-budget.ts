/**
 * The worker's memory, counted in bytes rather than tasks: one event may carry 1 MiB of data, and a
 * claim of a hundred tasks, or a hundred deliveries in flight, each holding its own copy of it (and
 * its parsed form and rendered payload), would take the worker past its heap limit (it aborts, and
 * after a restart claims the same tasks and aborts again).
 *
 * Two things are counted:
 * - the data of each event that a claimed task refers to, once per event however many tasks (one
 *   per policy target) share it, while any of them waits or is delivered;
 * - each delivery in flight, at a multiple of its event's size (the parsed data, the rendered
 *   payload and the request body are its own).
 *
 * Claims stop while the total is at the budget, and a delivery starts only when its cost fits
 * (or when nothing else is in flight, so an event larger than the budget is still delivered).
 */
export const DEFAULT_BYTE_BUDGET = 32 * 1024 * 1024;

/** Parsed data, payload string and request body of one delivery, relative to the event's data. */
const DELIVERY_COST_FACTOR = 4;
/** The rest of a delivery (headers, logs, the attempt, the socket), whatever the event's size. */
const DELIVERY_OVERHEAD_BYTES = 16 * 1024;

export class ByteBudget {
  private events = new Map<number, { data: string; refs: number }>();
  private resident = 0;
  private delivering = 0;
  private deliveries = 0;
  /** The highest total counted so far, for the worker's log and the tests. */
  peak = 0;

  constructor(readonly limit: number = DEFAULT_BYTE_BUDGET) {}

  used(): number {
    return this.resident + this.delivering;
  }

  full(): boolean {
    return this.used() >= this.limit;
  }

  /** The event's data if a task of this worker holds it already (it is not loaded again). */
  known(eventId: number): string | undefined {
    return this.events.get(eventId)?.data;
  }

  /** A task keeps its event's data; the one copy is shared by every task of the event. */
  retain(eventId: number, data: string): string {
    const held = this.events.get(eventId);
    if (held) {
      held.refs++;
      return held.data;
    }
    this.events.set(eventId, { data, refs: 1 });
    this.resident += data.length;
    this.note();
    return data;
  }

  release(eventId: number) {
    const held = this.events.get(eventId);
    if (!held) return;
    if (--held.refs > 0) return;
    this.events.delete(eventId);
    this.resident -= held.data.length;
  }

  deliveryCost(bytes: number): number {
    return bytes * DELIVERY_COST_FACTOR + DELIVERY_OVERHEAD_BYTES;
  }

  canStart(cost: number): boolean {
    return this.deliveries === 0 || this.used() + cost <= this.limit;
  }

  start(cost: number) {
    this.deliveries++;
    this.delivering += cost;
    this.note();
  }

  finish(cost: number) {
    this.deliveries--;
    this.delivering -= cost;
  }

  private note() {
    this.peak = Math.max(this.peak, this.used());
  }
}
