/**
 * Password verifications (argon2, about 19 MiB and tens of milliseconds each) one client may have
 * under way at once; a few more wait their turn, and past that the client is told to slow down
 * before any password is looked at. One client cannot take the web process's CPU and memory.
 */
export const VERIFICATIONS_PER_CLIENT = 2;
export const WAITING_VERIFICATIONS_PER_CLIENT = 8;

type Lane = { active: number; waiting: (() => void)[] };
const g = globalThis as unknown as { harborVerificationLanes?: Map<string, Lane> };
const lanes = (g.harborVerificationLanes ??= new Map<string, Lane>());

/** Runs `verify` in `client`'s lane; answers `busy()` at once when the lane and its queue are full. */
export async function withVerificationSlot<T>(client: string, verify: () => Promise<T>, busy: () => T): Promise<T> {
  let lane = lanes.get(client);
  if (!lane) lanes.set(client, (lane = { active: 0, waiting: [] }));
  if (lane.active >= VERIFICATIONS_PER_CLIENT) {
    if (lane.waiting.length >= WAITING_VERIFICATIONS_PER_CLIENT) return busy();
    await new Promise<void>((resolve) => lane!.waiting.push(resolve));
  } else {
    lane.active++;
  }
  try {
    return await verify();
  } finally {
    const next = lane.waiting.shift();
    // The slot passes to the next in line as it is; the lane is forgotten once idle (bounded memory).
    if (next) next();
    else if (--lane.active === 0) lanes.delete(client);
  }
}

/** Lanes kept right now: one per client with a verification under way. */
export function verificationLanes(): number {
  return lanes.size;
}
