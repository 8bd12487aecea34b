// The worker's SQL on the driver (lib/db/raw.ts) must write and read values exactly as Prisma
// does, on SQLite and on PostgreSQL (TEST_DATABASE=postgres), or the worker's rows would not
// compare or read back right anywhere else.
import { afterEach, describe, expect, it, vi } from "vitest";
import { dialect, getDb, getDriver } from "@/lib/db/client";
import { rawExecute, rawQuery, rawTransaction } from "@/lib/db/raw";
import { Prisma } from "@/lib/db/sql";
import { makeProject } from "../helpers/fixtures";
import { until } from "../helpers/until";

const originalTz = process.env.TZ;
afterEach(() => {
  process.env.TZ = originalTz;
});

describe("SQL on the driver", () => {
  it("writes dates and booleans that Prisma reads back unchanged, even with a local time zone that is not UTC", async () => {
    process.env.TZ = "America/New_York";
    const project = await makeProject();
    const at = new Date("2026-03-08T06:59:59.123Z");
    expect(
      await rawExecute(
        Prisma.sql`UPDATE "Project" SET "updatedAt" = ${at}, "public" = ${true} WHERE "id" = ${project.id}`,
      ),
    ).toBe(1);
    const row = await (await getDb()).project.findUniqueOrThrow({ where: { id: project.id } });
    expect(row.updatedAt.toISOString()).toBe(at.toISOString());
    expect(row.public).toBe(true);
  });

  it("reads what Prisma wrote: the same instants, compared in SQL against a date parameter", async () => {
    process.env.TZ = "Asia/Kolkata";
    const project = await makeProject();
    const [row] = await rawQuery<{ id: number; createdAt: unknown }>(
      Prisma.sql`SELECT "id", "createdAt" FROM "Project" WHERE "id" = ${project.id} AND "createdAt" <= ${new Date(project.createdAt.getTime() + 1)} AND "createdAt" >= ${project.createdAt}`,
    );
    expect(row).toBeDefined();
    expect(Number(row.id)).toBe(project.id);
    expect(new Date(row.createdAt as string | Date).toISOString()).toBe(project.createdAt.toISOString());
  });

  it("answers RETURNING statements with their rows", async () => {
    const project = await makeProject();
    const rows = await rawQuery<{ id: number | bigint }>(
      Prisma.sql`UPDATE "Project" SET "public" = ${false} WHERE "id" = ${project.id} RETURNING "id"`,
    );
    expect(rows.map((r) => Number(r.id))).toEqual([project.id]);
  });

  it("commits a transaction, and rolls back one that throws", async () => {
    const project = await makeProject();
    await rawTransaction(async (tx) => {
      await tx.execute(Prisma.sql`UPDATE "Project" SET "public" = ${true} WHERE "id" = ${project.id}`);
    });
    await expect(
      rawTransaction(async (tx) => {
        await tx.execute(Prisma.sql`UPDATE "Project" SET "public" = ${false} WHERE "id" = ${project.id}`);
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    const row = await (await getDb()).project.findUniqueOrThrow({ where: { id: project.id } });
    expect(row.public).toBe(true);
  });

  it("never runs inside a Prisma transaction of the same process: it waits for it to end", async () => {
    const project = await makeProject();
    const db = await getDb();
    const order: string[] = [];
    let inside!: () => void;
    const entered = new Promise<void>((r) => (inside = r));
    let commit!: () => void;
    const mayCommit = new Promise<void>((r) => (commit = r));
    const prismaTx = db.$transaction(async (tx) => {
      await tx.project.update({ where: { id: project.id }, data: { public: true } });
      inside();
      await mayCommit;
      order.push("prisma committed");
    });
    await entered;
    // The Prisma transaction stays open until the raw one is seen waiting for it: on SQLite queued
    // for the process's one connection, on PostgreSQL its UPDATE waiting for the row lock.
    const driver = await getDriver();
    let asked = false;
    if (driver.kind === "sqlite") {
      const acquire = driver.lock.acquire.bind(driver.lock);
      vi.spyOn(driver.lock, "acquire").mockImplementation(() => ((asked = true), acquire()));
    }
    const raw = rawTransaction(async (t) => {
      order.push("raw started");
      await t.execute(Prisma.sql`UPDATE "Project" SET "public" = ${false} WHERE "id" = ${project.id}`);
    });
    try {
      await until(async () =>
        driver.kind === "sqlite"
          ? asked
          : (
              await rawQuery<{ n: number }>(
                Prisma.sql`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'UPDATE "Project"%'`,
              )
            )[0].n > 0,
      );
    } finally {
      vi.restoreAllMocks();
      commit();
    }
    await Promise.all([prismaTx, raw]);
    // PostgreSQL: separate connections, and the raw update waits for the row lock instead.
    if (dialect() === "sqlite") expect(order).toEqual(["prisma committed", "raw started"]);
    expect((await db.project.findUniqueOrThrow({ where: { id: project.id } })).public).toBe(false);
  });
});
