/**
 * SQLite has one writer at a time, and its busy handler waits synchronously, stopping the whole
 * event loop (every delivery in flight) while another process holds the write lock. The worker
 * therefore runs with a tiny busy timeout and retries its writes here instead: each wait is a
 * timer, so deliveries keep flowing while the web process writes.
 */
export function isBusyError(err: unknown): boolean {
  const text = `${(err as { code?: string })?.code ?? ""} ${(err as Error)?.message ?? ""} ${JSON.stringify((err as { meta?: unknown })?.meta ?? "")}`;
  return /SQLITE_BUSY|database is locked/i.test(text);
}

export async function retryBusy<T>(fn: () => Promise<T>, maxWaitMs = 30_000): Promise<T> {
  const end = Date.now() + maxWaitMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isBusyError(err) || Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, Math.min(1 + attempt, 10)));
    }
  }
}
