// The web server answers GET /healthz (process alive, no database) and GET /readyz (database
// reachable, every shipped migration applied) itself, before Next.js's handler
// (lib/process/health.ts, lib/process/web-server.ts).
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createWebServer } from "@/lib/process/web-server";
import { resetEnvCache } from "@/lib/config/env";
import { disconnectDb, getDb } from "@/lib/db/client";
import { onPostgres, useOwnDatabase } from "../helpers/own-database";
import { recordFigure } from "./figures";

let server: ReturnType<typeof createWebServer>;
let base: string;
let nextReached = 0;

beforeAll(async () => {
  server = createWebServer(
    (_req, res) => {
      nextReached++;
      res.end("next");
    },
    { HTTP_HEADERS_TIMEOUT_MS: 5000, HTTP_REQUEST_TIMEOUT_MS: 10_000 },
  );
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
afterEach(() => expect(nextReached).toBe(0));

/** Runs `fn` with this process's getDb() on `url`, then back on the shared test database. */
async function withDatabaseUrl(url: string, fn: () => Promise<void>) {
  const shared = process.env.DATABASE_URL;
  await disconnectDb().catch(() => undefined);
  process.env.DATABASE_URL = url;
  resetEnvCache();
  try {
    await fn();
  } finally {
    await disconnectDb().catch(() => undefined);
    if (shared === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = shared;
    resetEnvCache();
  }
}

const param = (n: number) => (onPostgres() ? `$${n}` : "?");

async function json(path: string, init?: RequestInit) {
  const res = await fetch(base + path, init);
  return { status: res.status, headers: res.headers, body: await res.text() };
}

describe("GET /healthz", () => {
  it("answers 200 {status: ok}, uncached, without the database or Next.js", async () => {
    // A database that cannot even be reached: /healthz does not care.
    await withDatabaseUrl("postgresql://nobody@127.0.0.1:1/none", async () => {
      const res = await json("/healthz");
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toEqual({ status: "ok" });
      expect(res.headers.get("content-type")).toBe("application/json");
      expect(res.headers.get("cache-control")).toBe("no-store");
    });
    const head = await fetch(`${base}/healthz?probe=1`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
  });

  it("refuses other methods with 405 and Allow; other paths go to Next.js", async () => {
    const res = await json("/healthz", { method: "POST", body: "x" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD");
    expect(await (await fetch(`${base}/healthz/more`)).text()).toBe("next");
    expect(nextReached).toBe(1);
    nextReached = 0;
  });

  it("keeps a high request rate on keep-alive connections", async () => {
    const agent = new (await import("node:http")).Agent({ keepAlive: true, maxSockets: 16 });
    const http = await import("node:http");
    const get = () =>
      new Promise<number>((resolve, reject) => {
        http
          .get(`${base}/healthz`, { agent }, (res) => {
            res.resume();
            res.on("end", () => resolve(res.statusCode ?? 0));
          })
          .on("error", reject);
      });
    const n = 2000;
    const started = performance.now();
    const statuses = await Promise.all(Array.from({ length: n }, get));
    const ms = performance.now() - started;
    agent.destroy();
    expect(statuses.every((s) => s === 200)).toBe(true);
    recordFigure("GET /healthz, 16 keep-alive connections", { requests: n, perSecond: Math.round((n / ms) * 1000) });
  });
});

describe("GET /readyz", () => {
  it("answers 200 {status: ready} on a migrated database; HEAD too", async () => {
    const res = await json("/readyz");
    expect({ status: res.status, body: JSON.parse(res.body) }).toEqual({ status: 200, body: { status: "ready" } });
    expect(res.headers.get("cache-control")).toBe("no-store");
    const head = await fetch(`${base}/readyz`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
  });

  it("answers 503 naming how many migrations are not applied", async () => {
    const own = await useOwnDatabase("readyz");
    try {
      const dir = onPostgres() ? "prisma/postgres/migrations" : "prisma/migrations";
      const shipped = fs.readdirSync(dir).filter((d) => fs.existsSync(`${dir}/${d}/migration.sql`));
      const allMissing = { status: "not_ready", reason: `${shipped.length} migrations not applied` };
      // The helper builds the schema from the migration files without the CLI's bookkeeping table.
      expect(JSON.parse((await json("/readyz")).body)).toEqual(allMissing);
      const db = await getDb();
      await db.$executeRawUnsafe(
        `CREATE TABLE "_prisma_migrations" ("id" VARCHAR(36) PRIMARY KEY, "checksum" VARCHAR(64) NOT NULL,
          "finished_at" TIMESTAMP, "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT,
          "rolled_back_at" TIMESTAMP, "started_at" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
          "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`,
      );
      expect(JSON.parse((await json("/readyz")).body)).toEqual(allMissing);
      for (const [i, name] of shipped.entries()) {
        await db.$executeRawUnsafe(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name) VALUES (${param(1)}, 'x', CURRENT_TIMESTAMP, ${param(2)})`,
          String(i),
          name,
        );
      }
      expect((await json("/readyz")).status).toBe(200);
      // The newest migration goes missing (or failed: not finished).
      await db.$executeRawUnsafe(
        `UPDATE "_prisma_migrations" SET finished_at = NULL WHERE migration_name = ${param(1)}`,
        shipped.at(-1),
      );
      const res = await json("/readyz");
      expect({ status: res.status, body: JSON.parse(res.body) }).toEqual({
        status: 503,
        body: { status: "not_ready", reason: "1 migration not applied" },
      });
    } finally {
      await own.dispose();
    }
  });

  it("answers 503 'database unreachable' without the connection string when the database refuses connections", async () => {
    // SQLite: a file where the database's directory should be.
    const notADirectory = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "readyz-")), "not-a-dir");
    fs.writeFileSync(notADirectory, "");
    const url = onPostgres()
      ? "postgresql://harbor:s3cret-pw@127.0.0.1:1/harbor"
      : `file:${path.join(notADirectory, "harbor.db")}`;
    await withDatabaseUrl(url, async () => {
      const res = await json("/readyz");
      expect(res.status).toBe(503);
      expect(JSON.parse(res.body)).toEqual({ status: "not_ready", reason: "database unreachable" });
      expect(res.body).not.toMatch(/s3cret|127\.0\.0\.1|not-a-dir/);
    });
  });

  it.runIf(onPostgres())(
    "answers 503 within the timeout when the database accepts connections but never answers",
    async () => {
      const held: net.Socket[] = [];
      const silent = net.createServer((s) => held.push(s));
      await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
      const port = (silent.address() as net.AddressInfo).port;
      try {
        await withDatabaseUrl(`postgresql://harbor@127.0.0.1:${port}/harbor`, async () => {
          const started = Date.now();
          const [a, b] = await Promise.all([json("/readyz"), json("/readyz")]);
          const ms = Date.now() - started;
          expect(a.status).toBe(503);
          expect(JSON.parse(b.body)).toEqual({
            status: "not_ready",
            reason: "database unreachable (no answer within 2000 ms)",
          });
          expect(ms).toBeLessThan(3500);
          recordFigure("GET /readyz, hung PostgreSQL", { msToAnswer: ms });
          for (const s of held) s.destroy();
        });
      } finally {
        for (const s of held) s.destroy();
        await new Promise((r) => silent.close(r));
      }
    },
  );
});
