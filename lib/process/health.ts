import fs from "node:fs";
import type http from "node:http";
import path from "node:path";
import { dialect, getDb } from "@/lib/db/client";

/**
 * Health endpoints for load balancers and container probes, answered by the web server before
 * Next.js sees the request (no routing, no session), so they stay cheap while Next is busy:
 * - GET /healthz: the process answers; never touches the database;
 * - GET /readyz: the database answers within READINESS_TIMEOUT_MS and every migration shipped
 *   with this code is applied.
 */
export const HEALTH_PATHS = new Set(["/healthz", "/readyz"]);

/** A hung database must turn a probe into a 503, not a probe timeout. */
export const READINESS_TIMEOUT_MS = 2_000;

export type Readiness = { status: "ready" } | { status: "not_ready"; reason: string };

/** The migration folders shipped with this code, per dialect (read once: they change only with a deploy). */
const shippedMigrations = new Map<string, string[]>();

function migrationsShipped(dir: string): string[] {
  let names = shippedMigrations.get(dir);
  if (!names) {
    names = fs.readdirSync(dir).filter((d) => fs.existsSync(path.join(dir, d, "migration.sql")));
    shippedMigrations.set(dir, names);
  }
  return names;
}

async function checkDatabase(): Promise<Readiness> {
  const onPostgres = dialect() === "postgresql";
  let shipped: string[];
  try {
    shipped = migrationsShipped(onPostgres ? "prisma/postgres/migrations" : "prisma/migrations");
  } catch {
    return { status: "not_ready", reason: "the migration folders are missing" };
  }
  let applied: Set<string>;
  try {
    const db = await getDb();
    // A database that was never migrated has no bookkeeping table; that is "not applied", not "unreachable".
    const [table] = await db.$queryRawUnsafe<{ present: unknown }[]>(
      onPostgres
        ? "SELECT to_regclass('_prisma_migrations') IS NOT NULL AS present"
        : "SELECT count(*) > 0 AS present FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'",
    );
    const rows = table?.present
      ? await db.$queryRawUnsafe<{ migration_name: string }[]>(
          "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL",
        )
      : [];
    applied = new Set(rows.map((r) => r.migration_name));
  } catch {
    // The driver's error may name hosts or files: the probe's answer says only what is wrong.
    return { status: "not_ready", reason: "database unreachable" };
  }
  const missing = shipped.filter((name) => !applied.has(name)).length;
  if (missing > 0) {
    return { status: "not_ready", reason: `${missing} migration${missing === 1 ? "" : "s"} not applied` };
  }
  return { status: "ready" };
}

let inFlight: Promise<Readiness> | undefined;

/**
 * Whether this process can serve: concurrent probes share one check, and a check that takes
 * longer than `timeoutMs` answers "not ready" (the query it left behind finishes or fails on its own).
 */
export function checkReadiness(timeoutMs = READINESS_TIMEOUT_MS): Promise<Readiness> {
  if (inFlight) return inFlight;
  let timer: NodeJS.Timeout | undefined;
  const tooSlow = new Promise<Readiness>((resolve) => {
    timer = setTimeout(
      () => resolve({ status: "not_ready", reason: `database unreachable (no answer within ${timeoutMs} ms)` }),
      timeoutMs,
    );
  });
  const checked = checkDatabase().catch((): Readiness => ({ status: "not_ready", reason: "database unreachable" }));
  inFlight = Promise.race([checked, tooSlow]).finally(() => {
    clearTimeout(timer);
    inFlight = undefined;
  });
  return inFlight;
}

function send(req: http.IncomingMessage, res: http.ServerResponse, status: number, body: object) {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(json),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
  });
  res.end(req.method === "HEAD" ? undefined : json);
}

/** Answers /healthz and /readyz; false for every other path (the request is the caller's to serve). */
export function serveHealth(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  const url = req.url ?? "/";
  const query = url.indexOf("?");
  const pathname = query === -1 ? url : url.slice(0, query);
  if (!HEALTH_PATHS.has(pathname)) return false;
  req.resume(); // a body, if any, is not read
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.setHeader("Allow", "GET, HEAD");
    send(req, res, 405, { error: "method_not_allowed", message: "use GET or HEAD" });
  } else if (pathname === "/healthz") {
    send(req, res, 200, { status: "ok" });
  } else {
    void checkReadiness().then((r) => send(req, res, r.status === "ready" ? 200 : 503, r));
  }
  return true;
}
