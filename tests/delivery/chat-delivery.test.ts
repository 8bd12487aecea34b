// Deliveries to the chat tools through the worker: a local receiver per tool gets the tool's
// message; a 429's Retry-After (and Discord's retry_after in the body) holds the webhook back.
import { beforeAll, describe, expect, it } from "vitest";
import { requireProject } from "@/lib/auth/access";
import { sendChat } from "@/lib/delivery/chat-sender";
import { getDb } from "@/lib/db/client";
import { ingestEvent } from "@/lib/events/ingest";
import { sampleEvent } from "@/lib/events/samples";
import { renderPayload } from "@/lib/formats";
import { createPolicy } from "@/lib/policies/service";
import { CHAT_TYPES, EVENT_TYPES, type ChatType, type HarborEvent } from "@/lib/shared/events";
import { policyInputSchema } from "@/lib/shared/policy-input";
import { makeProject, makeUser } from "../helpers/fixtures";
import { LOOPBACK_ALLOWED } from "../helpers/receiver";
import { useDeliveryWorker } from "../helpers/delivery-worker";
import { taskOnceStatus } from "../helpers/tasks";
import { until } from "../helpers/until";

const delivery = useDeliveryWorker("chat-delivery");
let admin: ReturnType<typeof makeUser>;

beforeAll(() => {
  admin = makeUser({ sysadmin: true });
});

const receiver = delivery.receiver;

async function chatPolicy(type: ChatType, address: string) {
  const project = await makeProject();
  const { actor } = await admin;
  const input = policyInputSchema.parse({
    name: `chat-${type}`,
    event_types: ["PUSH_ARTIFACT", "SCANNING_COMPLETED"],
    targets: [{ type, address }],
  });
  const { policy } = await createPolicy(await requireProject(actor, project.id, "webhook.manage"), input);
  return { project, policy };
}

const finished = (policyId: number, status = "Success") => taskOnceStatus(policyId, status);

describe("chat deliveries through the worker", () => {
  it.each(CHAT_TYPES.map((t) => [t]))("%s: the receiver gets the tool's message, unsigned", async (type) => {
    const rx = await receiver((_q, res) => {
      res.statusCode = type === "discord" ? 204 : type === "teams" ? 202 : 200;
      res.end();
    });
    const { project, policy } = await chatPolicy(type, `${rx.url}/hooks/${type}-secret`);
    const event = sampleEvent("SCANNING_COMPLETED");
    expect(await ingestEvent({ projectId: project.id, event, source: "api" })).toMatchObject({ deliveries: 1 });
    const task = await finished(policy.id);

    expect(rx.requests).toHaveLength(1);
    const [req] = rx.requests;
    expect(req.method).toBe("POST");
    expect(req.url).toBe(`${new URL(rx.url).pathname}/hooks/${type}-secret`);
    expect(req.headers["content-type"]).toBe("application/json");
    expect(req.headers["user-agent"]).toMatch(/^HarborNotifier\//);
    expect(req.headers["webhook-id"]).toBeUndefined();
    expect(req.headers["webhook-signature"]).toBeUndefined();
    const expected = renderPayload({ type, payloadFormat: "Default" }, event, {
      id: task.webhookId,
      requestId: "",
      projectId: project.id,
      policyId: policy.id,
      executionId: task.executionId,
    });
    expect(JSON.parse(req.body)).toEqual(JSON.parse(expected.body));
    expect(task.execution.status).toBe("Success");
    const log = task.logs.map((l) => l.message).join("\n");
    expect(log).toMatch(/sending .+ message to 127\.0\.0\.1:\d+\/…/);
    expect(log).not.toContain(`${type}-secret`);
  });

  it("every chat type gets every event type as the rendering the format tests check against the tool's limits", async () => {
    const rx = await receiver((_q, res) => res.end());
    const project = await makeProject();
    const { actor } = await admin;
    const policies = new Map<number, ChatType>();
    for (const type of CHAT_TYPES) {
      const input = policyInputSchema.parse({
        name: `all-${type}`,
        event_types: [...EVENT_TYPES],
        targets: [{ type, address: `${rx.url}/hooks/${type}` }],
      });
      const { policy } = await createPolicy(await requireProject(actor, project.id, "webhook.manage"), input);
      policies.set(policy.id, type);
    }
    const events = new Map<number, HarborEvent>();
    for (const eventType of EVENT_TYPES) {
      const event = sampleEvent(eventType);
      const r = await ingestEvent({ projectId: project.id, event, source: "api" });
      if (r.status !== "accepted") throw new Error(`not accepted: ${eventType}`);
      expect(r.deliveries).toBe(CHAT_TYPES.length);
      events.set(r.eventId, event);
    }
    const total = CHAT_TYPES.length * EVENT_TYPES.length;
    const db = await getDb();
    const done = await until(async () => {
      const tasks = await db.task.findMany({
        where: { policyId: { in: [...policies.keys()] }, status: "Success" },
        include: { execution: true },
      });
      return tasks.length === total ? tasks : undefined;
    }, 30_000);
    expect(rx.requests).toHaveLength(total);
    for (const task of done) {
      const type = policies.get(task.policyId)!;
      const event = events.get(task.execution.eventId)!;
      const expected = renderPayload({ type, payloadFormat: "Default" }, event, {
        id: task.webhookId,
        requestId: "",
        projectId: project.id,
        policyId: task.policyId,
        executionId: task.executionId,
      });
      const got = rx.requests.filter((q) => q.url.endsWith(`/hooks/${type}`)).map((q) => q.body);
      expect(got, `${type} × ${event.type}`).toContain(expected.body);
    }
  });

  it("waits out a 429's Retry-After before the webhook gets the next message", async () => {
    let n = 0;
    const rx = await receiver((_q, res) => {
      if (++n === 1) {
        res.writeHead(429, { "Retry-After": "1" });
        res.end("slow down");
      } else res.end("ok");
    });
    const { project, policy } = await chatPolicy("mattermost", `${rx.url}/hooks/mm`);
    await ingestEvent({ projectId: project.id, event: sampleEvent("PUSH_ARTIFACT"), source: "api" });
    const task = await finished(policy.id);
    expect(task.attempts.map((a) => a.responseStatus)).toEqual([429, 200]);
    // The worker's backoff is scaled down to milliseconds here; the webhook's own pause is not.
    expect(rx.requests[1].at - rx.requests[0].at).toBeGreaterThanOrEqual(950);
    expect(task.logs.some((l) => /\(Retry-After\)/.test(l.message))).toBe(true);
  });

  it("honours Discord's retry_after (seconds, in the body) on a 429", async () => {
    let n = 0;
    const rx = await receiver((_q, res) => {
      if (++n === 1) {
        res.writeHead(429, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ message: "You are being rate limited.", retry_after: 1.25, global: false }));
      } else {
        res.statusCode = 204;
        res.end();
      }
    });
    const { project, policy } = await chatPolicy("discord", `${rx.url}/api/webhooks/1/token`);
    await ingestEvent({ projectId: project.id, event: sampleEvent("PUSH_ARTIFACT"), source: "api" });
    const task = await finished(policy.id);
    expect(task.attempts.map((a) => a.responseStatus)).toEqual([429, 204]);
    expect(rx.requests[1].at - rx.requests[0].at).toBeGreaterThanOrEqual(1200);
  });
});

describe("sendChat", () => {
  const send = (type: ChatType, url: string, pauses: number[], allowList = LOOPBACK_ALLOWED) =>
    sendChat({ type, url, body: "{}", timeoutMs: 2_000, allowList, pause: (ms) => pauses.push(ms) });

  it("prefers Discord's exact retry_after to its rounded Retry-After header", async () => {
    const rx = await receiver((_q, res) => {
      res.writeHead(429, { "Retry-After": "1", "Content-Type": "application/json" });
      res.end('{"retry_after": 0.374, "global": false}');
    });
    const pauses: number[] = [];
    expect(await send("discord", rx.url, pauses)).toMatchObject({ ok: false, status: 429, retryAfterMs: 374 });
    expect(pauses).toEqual([374]);
  });

  it("uses Retry-After for the other tools", async () => {
    const rx = await receiver((_q, res) => {
      res.writeHead(429, { "Retry-After": "3" });
      res.end('{"retry_after": 9}');
    });
    const pauses: number[] = [];
    expect(await send("teams", rx.url, pauses)).toMatchObject({ status: 429, retryAfterMs: 3000 });
    expect(pauses).toEqual([3000]);
  });

  it("waits for Discord's window to reset when X-RateLimit-Remaining reaches 0", async () => {
    const rx = await receiver((_q, res) => {
      res.writeHead(204, { "X-RateLimit-Remaining": "0", "X-RateLimit-Reset-After": "1.5" });
      res.end();
    });
    const pauses: number[] = [];
    expect(await send("discord", rx.url, pauses)).toMatchObject({ ok: true, status: 204 });
    expect(pauses).toEqual([1500]);
  });

  it("is subject to the network guard", async () => {
    const rx = await receiver((_q, res) => res.end("ok"));
    const result = await send("googlechat", rx.url, [], []);
    expect(result).toMatchObject({ ok: false, errorKind: "refused_address" });
    expect(rx.connections()).toBe(0);
  });
});
