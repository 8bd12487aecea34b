import { spawn } from "node:child_process";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { taskLogLines } from "@/lib/history/task-log";
import { ingestEvent } from "@/lib/events/ingest";
import { sampleEvent } from "@/lib/events/samples";
import { buildDefaultPayload } from "@/lib/formats";
import { createPolicy, rotateSigningKey } from "@/lib/policies/service";
import { requireProject } from "@/lib/auth/access";
import { policyInputSchema } from "@/lib/shared/policy-input";
import { DeliveryWorker } from "@/lib/delivery/worker";
import { redeliverFailed, redeliverTask, stopExecution } from "@/lib/delivery/task-control";
import { purgeHistory } from "@/lib/delivery/retention";
import { claimDueTasks, releaseClaimed } from "@/lib/delivery/queue";
import { makeProject, makeUser } from "../helpers/fixtures";
import { useOwnDatabase } from "../helpers/own-database";
import { makeSelfSignedCert, startServer, type LocalServer } from "../helpers/receiver";
import { until } from "../helpers/until";

// One worker for this file, on a database of the file's own: it sees exactly these tasks, and
// its retention purge and settings changes touch no other file's rows.
let worker: DeliveryWorker;
let dispose: () => Promise<void>;
const servers: LocalServer[] = [];
let admin: ReturnType<typeof makeUser>;

beforeAll(async () => {
  ({ dispose } = await useOwnDatabase("engine"));
  admin = makeUser({ sysadmin: true });
  worker = new DeliveryWorker({
    pollMs: 50,
    backoffScale: 0.005,
    leaseMs: 2_000,
    autoPause: { failures: 3, windowMs: 0 },
  });
  await worker.start();
});
afterAll(async () => {
  await worker?.stop();
  await Promise.all(servers.map((s) => s.close()));
  await dispose?.();
});

async function server(handler: Parameters<typeof startServer>[0], tls?: { key: string; cert: string }) {
  const s = await startServer(handler, tls ? { tls } : {});
  servers.push(s);
  return s;
}

async function policyFor(url: string | string[], extra: Record<string, unknown> = {}) {
  const project = await makeProject();
  const { actor } = await admin;
  const urls = Array.isArray(url) ? url : [url];
  const input = policyInputSchema.parse({
    name: "hook",
    event_types: ["PUSH_ARTIFACT", "SCANNING_COMPLETED"],
    targets: urls.map((address) => ({ type: "http", address, payload_format: "Default", ...(extra.target as object) })),
    ...extra,
  });
  const { policy, signingSecret } = await createPolicy(
    await requireProject(actor, project.id, "webhook.manage"),
    input,
  );
  return { project, policy, signingSecret };
}

async function taskOf(policyId: number) {
  const db = await getDb();
  const task = await db.task.findFirst({
    where: { policyId },
    include: { attempts: { orderBy: { number: "asc" } }, execution: true },
  });
  return task && { ...task, logs: (await taskLogLines([task.id])).get(task.id) ?? [] };
}

const finished = (policyId: number, status = "Success") =>
  until(async () => {
    const t = await taskOf(policyId);
    return t && t.status === status ? t : undefined;
  });

describe("delivery engine", () => {
  it("delivers the Default payload, signed per Standard Webhooks, and records the attempt", async () => {
    const rx = await server((_q, res) => res.end("ok"));
    const { project, policy, signingSecret } = await policyFor(rx.url, { target: { auth_header: "Bearer s3cret" } });
    const event = sampleEvent("PUSH_ARTIFACT");
    const r = await ingestEvent({ projectId: project.id, event, source: "api" });
    expect(r).toMatchObject({ status: "accepted", deliveries: 1 });
    const task = await finished(policy.id);
    expect(rx.requests).toHaveLength(1);
    const req = rx.requests[0];
    expect(req.body).toBe(buildDefaultPayload(event).body);
    expect(req.headers["content-type"]).toBe("application/json");
    expect(req.headers.authorization).toBe("Bearer s3cret");
    expect(req.headers["user-agent"]).toMatch(/^HarborNotifier\//);
    expect(req.headers["webhook-id"]).toBe(task.webhookId);
    const verified = new Webhook(signingSecret).verify(req.body, req.headers as Record<string, string>);
    expect(verified).toEqual(JSON.parse(req.body));
    expect(task.runCount).toBe(1);
    expect(task.attempts[0]).toMatchObject({ number: 1, responseStatus: 200, responseExcerpt: "ok" });
    expect(JSON.parse(task.attempts[0].requestHeaders).Authorization).toBe("••••••••");
    expect(task.execution.status).toBe("Success");
    expect(task.logs.map((l) => l.message).join("\n")).toMatch(
      /start to run webhook job[\s\S]*success to run webhook job/,
    );
  });

  it("retries a 500 with backoff and succeeds on the next attempt", async () => {
    let n = 0;
    const rx = await server((_q, res) => {
      res.statusCode = ++n === 1 ? 500 : 200;
      res.end(n === 1 ? "boom" : "ok");
    });
    const { project, policy } = await policyFor(rx.url);
    await ingestEvent({ projectId: project.id, event: sampleEvent("PUSH_ARTIFACT"), source: "api" });
    const task = await finished(policy.id);
    expect(task.runCount).toBe(2);
    expect(task.attempts.map((a) => a.responseStatus)).toEqual([500, 200]);
    expect(rx.requests[0].headers["webhook-id"]).toBe(rx.requests[1].headers["webhook-id"]);
    expect(task.logs.some((l) => /response code 500, response body: boom/.test(l.message))).toBe(true);
  });

  it("gives up after max attempts (per-policy override) with Error", async () => {
    const rx = await server((_q, res) => {
      res.statusCode = 503;
      res.end();
    });
    const { project, policy } = await policyFor(rx.url, { retry_policy: { max_attempts: 2, backoff_base_ms: 100 } });
    await ingestEvent({ projectId: project.id, event: sampleEvent("PUSH_ARTIFACT"), source: "api" });
    const task = await finished(policy.id, "Error");
    expect(task.runCount).toBe(2);
    expect(rx.requests).toHaveLength(2);
    expect(task.statusMessage).toMatch(/gave up after 2 attempts/);
  });

  it("honours Retry-After on 429", async () => {
    let n = 0;
    const times: number[] = [];
    const rx = await server((_q, res) => {
      times.push(Date.now());
      if (++n === 1) {
        res.statusCode = 429;
        res.setHeader("Retry-After", "60");
      }
      res.end();
    });
    const { project, policy } = await policyFor(rx.url);
    await ingestEvent({ projectId: project.id, event: sampleEvent("PUSH_ARTIFACT"), source: "api" });
    const pending = await until(async () => {
      const t = await taskOf(policy.id);
      return t?.runCount === 1 && t.status === "Pending" ? t : undefined;
    });
    // 60 s × the test's backoff scale; the scheduled time reflects Retry-After, not the 2 s base.
    const delay = pending.nextAttemptAt.getTime() - pending.attempts[0].startedAt.getTime();
    expect(delay).toBeGreaterThanOrEqual(60_000 * 0.005 - 50);
    await finished(policy.id);
    expect(rx.requests).toHaveLength(2);
  });

  it("410 Gone pauses the target with the reason, and later events queue nothing for it", async () => {
    const rx = await server((_q, res) => {
      res.statusCode = 410;
      res.end();
    });
    const { project, policy } = await policyFor(rx.url);
    await ingestEvent({ projectId: project.id, event: sampleEvent("PUSH_ARTIFACT"), source: "api" });
    await finished(policy.id, "Error");
    const db = await getDb();
    const target = await until(async () => {
      const t = await db.webhookTarget.findFirst({ where: { policyId: policy.id } });
      return t?.status === "paused" ? t : undefined;
    });
    expect(target.pausedReason).toMatch(/410 Gone/);
    // A paused target is left out of the fan-out: the event is stored, no task is queued for it,
    // and nothing in this file's database is left for a claim to take.
    const later = await ingestEvent({ projectId: project.id, event: sampleEvent("PUSH_ARTIFACT"), source: "api" });
    expect(later).toMatchObject({ status: "accepted", deliveries: 0 });
    expect(await db.task.count({ where: { policyId: policy.id } })).toBe(1);
    const claimed = await claimDueTasks({ owner: "engine-test", limit: 100, leaseMs: 60_000 });
    await releaseClaimed("engine-test", claimed);
    expect(claimed).toEqual([]);
    expect(rx.requests).toHaveLength(1);
  });

  it("pauses a target automatically after consecutive exhausted tasks", async () => {
    const rx = await server((_q, res) => {
      res.statusCode = 500;
      res.end();
    });
    const { project, policy } = await policyFor(rx.url, { retry_policy: { max_attempts: 1 } });
    for (let i = 0; i < 3; i++)
      await ingestEvent({ projectId: project.id, event: sampleEvent("PUSH_ARTIFACT"), source: "api" });
    const db = await getDb();
    const target = await until(async () => {
      const t = await db.webhookTarget.findFirst({ where: { policyId: policy.id } });
      return t?.status === "paused" ? t : undefined;
    });
    expect(target.pausedReason).toMatch(/paused automatically: 3 deliveries in a row failed/);
  });

  it("times out a hanging endpoint and records the timeout", async () => {
    const rx = await server(() => undefined);
    const { project, policy } = await policyFor(rx.url, { retry_policy: { max_attempts: 1, timeout_ms: 500 } });
    const t0 = Date.now();
    await ingestEvent({ projectId: project.id, event: sampleEvent("PUSH_ARTIFACT"), source: "api" });
    const task = await finished(policy.id, "Error");
    expect(Date.now() - t0).toBeLessThan(3_000);
    expect(task.attempts[0].error).toMatch(/timed out|timeout/i);
  });

  it("TLS: a self-signed receiver fails with verification on and succeeds with skip_cert_verify", async () => {
    const rx = await server((_q, res) => res.end("ok"), makeSelfSignedCert());
    const strict = await policyFor(rx.url.replace("127.0.0.1", "localhost"), { retry_policy: { max_attempts: 1 } });
    const relaxed = await policyFor(rx.url, { target: { skip_cert_verify: true } });
    await ingestEvent({ projectId: strict.project.id, event: sampleEvent("PUSH_ARTIFACT"), source: "api" });
    await ingestEvent({ projectId: relaxed.project.id, event: sampleEvent("PUSH_ARTIFACT"), source: "api" });
    const failed = await finished(strict.policy.id, "Error");
    expect(failed.attempts[0].error).toMatch(/self-signed|certificate/i);
    await finished(relaxed.policy.id);
  });

  it("refuses private addresses that are not allow-listed, without retrying", async () => {
    const { project, policy } = await policyFor("http://10.255.255.1:9/hook");
    await ingestEvent({ projectId: project.id, event: sampleEvent("PUSH_ARTIFACT"), source: "api" });
    const task = await finished(policy.id, "Error");
    expect(task.runCount).toBe(1);
    expect(task.attempts[0].error).toMatch(/10\.255\.255\.1 is a private address/);
  });

  it("signs with the old and the new key during a rotation's overlap", async () => {
    const rx = await server((_q, res) => res.end());
    const { project, policy, signingSecret } = await policyFor(rx.url);
    const { actor } = await admin;
    const { signingSecret: next } = await rotateSigningKey(
      await requireProject(actor, project.id, "webhook.manage"),
      policy.id,
    );
    await ingestEvent({ projectId: project.id, event: sampleEvent("PUSH_ARTIFACT"), source: "api" });
    await finished(policy.id);
    const req = rx.requests[0];
    expect(String(req.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    for (const secret of [signingSecret, next])
      expect(() => new Webhook(secret).verify(req.body, req.headers as Record<string, string>)).not.toThrow();
  });

  it("redelivers a failed task with the same webhook-id, and redelivers failures in a time range", async () => {
    let fail = true;
    const rx = await server((_q, res) => {
      res.statusCode = fail ? 500 : 200;
      res.end();
    });
    const { project, policy } = await policyFor(rx.url, { retry_policy: { max_attempts: 1 } });
    await ingestEvent({ projectId: project.id, event: sampleEvent("PUSH_ARTIFACT"), source: "api" });
    await ingestEvent({ projectId: project.id, event: sampleEvent("SCANNING_COMPLETED"), source: "api" });
    const db = await getDb();
    await until(async () => (await db.task.count({ where: { policyId: policy.id, status: "Error" } })) === 2);
    fail = false;
    const { actor } = await admin;
    const first = (await db.task.findFirst({ where: { policyId: policy.id }, orderBy: { id: "asc" } }))!;
    expect(
      await redeliverTask(await requireProject(actor, policy.projectId!, "webhook.manage"), policy.id, first.id),
    ).toBe(1);
    await until(async () => (await db.task.findUnique({ where: { id: first.id } }))?.status === "Success");
    expect(rx.requests.filter((r) => r.headers["webhook-id"] === first.webhookId)).toHaveLength(2);
    const n = await redeliverFailed(await requireProject(actor, policy.projectId!, "webhook.manage"), policy.id, {
      from: new Date(Date.now() - 60_000),
      to: new Date(),
    });
    expect(n).toBe(1);
    await until(async () => (await db.task.count({ where: { policyId: policy.id, status: "Success" } })) === 2);
    expect((await db.task.findUnique({ where: { id: first.id }, include: { attempts: true } }))!.attempts).toHaveLength(
      2,
    );
  });

  it("stops a pending execution: nothing is sent afterwards", async () => {
    const rx = await server((_q, res) => {
      res.statusCode = 500;
      res.end();
    });
    const { project, policy } = await policyFor(rx.url, { retry_policy: { max_attempts: 5, backoff_base_ms: 60_000 } });
    await ingestEvent({ projectId: project.id, event: sampleEvent("PUSH_ARTIFACT"), source: "api" });
    const t = await until(async () => {
      const x = await taskOf(policy.id);
      return x?.runCount === 1 && x.status === "Pending" ? x : undefined;
    });
    const { actor } = await admin;
    expect(
      await stopExecution(await requireProject(actor, policy.projectId!, "webhook.manage"), policy.id, t.executionId),
    ).toBe(1);
    const after = await taskOf(policy.id);
    expect(after).toMatchObject({ status: "Stopped", execution: { status: "Stopped" } });
  });

  it("purges history beyond the retention count", async () => {
    const rx = await server((_q, res) => res.end());
    const { project, policy } = await policyFor(rx.url);
    const db = await getDb();
    await db.systemSettings.update({ where: { id: 1 }, data: { retentionCount: 3 } });
    try {
      for (let i = 0; i < 6; i++)
        await ingestEvent({ projectId: project.id, event: sampleEvent("PUSH_ARTIFACT"), source: "api" });
      await until(async () => (await db.task.count({ where: { policyId: policy.id, status: "Success" } })) === 6);
      await purgeHistory();
      const left = await db.execution.findMany({ where: { policyId: policy.id }, orderBy: { id: "asc" } });
      expect(left).toHaveLength(3);
      expect(await db.attempt.count({ where: { task: { policyId: policy.id } } })).toBe(3);
    } finally {
      await db.systemSettings.update({ where: { id: 1 }, data: { retentionCount: 1000 } });
    }
  });

  it("a worker killed with SIGKILL mid-delivery loses nothing: its lease expires and the task is delivered again", async () => {
    // The in-process worker must not take this task first: pause it while the child claims.
    await worker.stop();
    let hang = true;
    const rx = await server((_q, res) => {
      if (!hang) res.end("ok");
    });
    const { project, policy } = await policyFor(rx.url, { retry_policy: { timeout_ms: 30_000 } });
    await ingestEvent({ projectId: project.id, event: sampleEvent("PUSH_ARTIFACT"), source: "api" });
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], {
      env: { ...process.env, HARBOR_ROLE: "worker", WORKER_LEASE_MS: "1500", LOG_LEVEL: "silent" },
      stdio: "ignore",
    });
    await until(() => rx.requests.length === 1, 20_000);
    child.kill("SIGKILL");
    await new Promise((r) => child.on("exit", r));
    hang = false;
    worker = new DeliveryWorker({
      pollMs: 50,
      backoffScale: 0.005,
      leaseMs: 2_000,
      autoPause: { failures: 3, windowMs: 0 },
    });
    await worker.start();
    const task = await finished(policy.id);
    expect(rx.requests).toHaveLength(2);
    expect(rx.requests[1].headers["webhook-id"]).toBe(rx.requests[0].headers["webhook-id"]);
    expect(task.runCount).toBe(1);
  }, 40_000);
});
