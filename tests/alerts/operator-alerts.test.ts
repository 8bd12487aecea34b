// Operator alerts end to end, through a real worker: a receiver turned into a black hole (it accepts
// connections and never answers) makes deliveries fail after their last attempt until the target is
// paused automatically; the people concerned get one "paused" email, read from a real SMTP server on
// 127.0.0.1, and operations channels (instance-wide webhooks on local receivers) get one
// webhook.target_paused event, Default and CloudEvents, signed and recorded as any delivery. Digests of
// the failed deliveries come at most once per interval, so a long outage is no storm. A person's
// pause (Destinations API) and resume (the UI) are told as well; without SMTP the alert is recorded
// as not emailed.
import net from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as destinations from "@/app/v1/destinations/route";
import * as destination from "@/app/v1/destinations/[id]/route";
import type { Actor } from "@/lib/auth/actor";
import { instanceWebhookAccess, requireProject, requireSystem } from "@/lib/auth/access";
import { getDb } from "@/lib/db/client";
import { ingestEvent } from "@/lib/events/ingest";
import { sampleEvent } from "@/lib/events/samples";
import { createPolicy } from "@/lib/policies/service";
import { NO_SMTP_DETAIL } from "@/lib/shared/alerts";
import { policyInputSchema } from "@/lib/shared/policy-input";
import { useDeliveryWorker } from "../helpers/delivery-worker";
import { makeApiKey, makeUser, uid } from "../helpers/fixtures";
import { call } from "../helpers/http";
import type { RecordedRequest } from "../helpers/receiver";
import { mimeParts, startSmtp, type LocalSmtp } from "../helpers/smtp-receiver";
import { until } from "../helpers/until";

const session = vi.hoisted(() => ({ actor: null as Actor | null }));
vi.mock("@/lib/auth/session", async () => {
  const { unauthorized } = await import("@/lib/errors");
  return {
    requireUserAction: async () => {
      if (!session.actor) throw unauthorized("your session has expired; sign in again");
      return session.actor;
    },
  };
});
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
const webhookActions = await import("@/app/projects/[project]/webhooks/actions");

const DIGEST_MS = 1_500;
const PAUSE_WINDOW_MS = 2_500;
const delivery = useDeliveryWorker("operator-alerts", {
  autoPause: { failures: 3, windowMs: PAUSE_WINDOW_MS },
  alertDigestMs: DIGEST_MS,
  alertEveryMs: 100,
});

const AUTH_SECRET = "Bearer alert-auth-s3cret";
const HEADER_SECRET = "custom-header-s3cret";
const QUERY_SECRET = "query-s3cret";
/** Every test's projects are named so; the operations channels take these projects only. */
const PREFIX = `alerts-${uid()}`;

let smtp: LocalSmtp;
let sys: Awaited<ReturnType<typeof makeUser>>;
const holes: (() => Promise<void>)[] = [];

/** A receiver turned into a black hole: it accepts connections and never answers. */
async function blackHole(): Promise<string> {
  const sockets: net.Socket[] = [];
  const server = net.createServer((s) => void sockets.push(s.on("error", () => undefined)));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  holes.push(async () => {
    sockets.forEach((s) => s.destroy());
    await new Promise((r) => server.close(r));
  });
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/hook?token=${QUERY_SECRET}`;
}

async function useSmtp(on: boolean) {
  const db = await getDb();
  await db.systemSettings.update({
    where: { id: 1 },
    data: on
      ? { smtpHost: "127.0.0.1", smtpPort: smtp.port, smtpTlsMode: "none", smtpFrom: "notifier@example.com" }
      : { smtpHost: "" },
  });
}

/**
 * A project with the people alerts go to and those they do not: an admin with an address, one
 * without, a disabled one, a group whose member is an admin through it, and a developer.
 */
async function projectWithPeople() {
  const db = await getDb();
  const project = await db.project.create({ data: { name: `${PREFIX}-${uid()}` } });
  const person = async (role: string | null, email: string | null, extra: { disabledAt?: Date } = {}) => {
    const u = await makeUser();
    await db.user.update({ where: { id: u.user.id }, data: { email, ...extra } });
    if (role) await db.projectMember.create({ data: { projectId: project.id, userId: u.user.id, role } });
    return { ...u, email };
  };
  const admin = await person("projectAdmin", `admin-${uid()}@example.com`);
  await person("projectAdmin", null);
  const disabled = await person("projectAdmin", `disabled-${uid()}@example.com`, { disabledAt: new Date() });
  const developer = await person("developer", `dev-${uid()}@example.com`);
  const viaGroup = await person(null, `group-${uid()}@example.com`);
  const group = await db.userGroup.create({ data: { groupType: 3, key: `ops-${uid()}`, name: "ops" } });
  await db.userGroupMembership.create({ data: { userId: viaGroup.user.id, groupId: group.id } });
  await db.projectMember.create({ data: { projectId: project.id, groupId: group.id, role: "projectAdmin" } });
  return { project, admin, disabled, developer, viaGroup };
}

/** A webhook of the project created by `creator`, with secrets an alert must never carry. */
async function projectWebhook(projectId: number, creator: Actor, address: string) {
  const input = policyInputSchema.parse({
    name: `hook-${uid()}`,
    event_types: ["PUSH_ARTIFACT"],
    targets: [
      {
        type: "http",
        address,
        payload_format: "Default",
        auth_header: AUTH_SECRET,
        custom_headers: { "X-Team-Key": HEADER_SECRET },
      },
    ],
    retry_policy: { max_attempts: 1, timeout_ms: 500 },
  });
  const { policy } = await createPolicy(await requireProject(creator, projectId, "webhook.manage"), input);
  return policy;
}

type Channel = { id: number; secret: string; requests: RecordedRequest[] };

/** An operations channel: an instance-wide webhook of the operational events, for this file's projects. */
async function operationsChannel(format: "Default" | "CloudEvents"): Promise<Channel> {
  const rx = await delivery.receiver((_q, res) => res.end("ok"));
  const input = policyInputSchema.parse({
    name: `ops-${format}-${uid()}`,
    event_types: ["webhook.target_paused", "webhook.target_resumed", "webhook.delivery_exhausted"],
    project_pattern: `${PREFIX}-*`,
    targets: [{ type: "http", address: rx.url, payload_format: format }],
  });
  const access = instanceWebhookAccess(requireSystem(sys.actor, "webhooks.instance"), "webhook.manage");
  const { policy, signingSecret } = await createPolicy(access, input);
  return { id: policy.id, secret: signingSecret, requests: rx.requests };
}

/** A destination of the key's project, created active and then paused by its client. */
async function pausedDestination(key: string, url: string): Promise<{ id: string; policyId: number }> {
  const created = await call(destinations.POST, { path: "/v1/destinations", key, body: { url } });
  expect(created.status, created.text).toBe(201);
  const id = (created.json as { id: string }).id;
  expect((await setDestinationStatus(key, id, "paused")).status).toBe(200);
  const policy = await (await getDb()).webhookPolicy.findFirstOrThrow({ where: { publicId: id } });
  return { id, policyId: policy.id };
}

const setDestinationStatus = (key: string, id: string, status: string) =>
  call(destination.PATCH, { path: `/v1/destinations/${id}`, key, params: { id }, method: "PATCH", body: { status } });

const push = (projectId: number) => ingestEvent({ projectId, event: sampleEvent("PUSH_ARTIFACT"), source: "api" });

const alertsOf = async (policyId: number) =>
  (await getDb()).operatorAlert.findMany({ where: { policyId }, orderBy: { id: "asc" } });

const mailsAbout = (address: string) => smtp.mails.filter((m) => m.raw.includes(address));
const subjectOf = (raw: string) => mimeParts(raw).headers.match(/^Subject: (.*)$/m)?.[1] ?? "";
const bodiesOf = (channel: Channel) => channel.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>);

beforeAll(async () => {
  smtp = await startSmtp();
  sys = await makeUser({ sysadmin: true });
  await (await getDb()).user.update({ where: { id: sys.user.id }, data: { email: `sys-${uid()}@example.com` } });
});
afterAll(async () => {
  await Promise.all(holes.map((close) => close()));
  await smtp?.close();
});

describe("a receiver turned into a black hole", () => {
  it("one paused email to the right people, one webhook.target_paused per channel, digests at most once per interval", async () => {
    await useSmtp(true);
    const people = await projectWithPeople();
    const creator = await makeUser({ sysadmin: true });
    await (
      await getDb()
    ).user.update({ where: { id: creator.user.id }, data: { email: `creator-${uid()}@example.com` } });
    const plain = await operationsChannel("Default");
    const cloud = await operationsChannel("CloudEvents");
    const address = await blackHole();
    const policy = await projectWebhook(people.project.id, creator.actor, address);
    const shown = address.replace(/\?.*$/, "");

    // A long outage: events keep coming until the target is paused, and for a while after.
    const db = await getDb();
    const started = Date.now();
    const target = await until(
      async () => {
        await push(people.project.id);
        await new Promise((r) => setTimeout(r, 150));
        const t = await db.webhookTarget.findFirstOrThrow({ where: { policyId: policy.id } });
        return t.status === "paused" ? t : undefined;
      },
      20_000,
      "the automatic pause",
    );
    const outage = Date.now() - started;
    expect(target.pausedReason).toMatch(/^paused automatically: \d+ deliveries in a row failed after all retries/);
    // Events during the pause queue nothing for the target: nothing more fails, nothing more is told.
    const queued = await db.task.count({ where: { policyId: policy.id } });
    for (let i = 0; i < 5; i++) await push(people.project.id);
    expect(await db.task.count({ where: { policyId: policy.id } })).toBe(queued);

    const paused = await until(async () => {
      const a = (await alertsOf(policy.id)).find((x) => x.kind === "target_paused");
      return a?.sentAt ? a : undefined;
    });
    await until(() => plain.requests.length >= 1 && cloud.requests.length >= 1, 10_000, "the operational events");
    // Past another interval: anything still to come would have come.
    await new Promise((r) => setTimeout(r, DIGEST_MS + 1_000));

    // The email: exactly one about the pause, to the admins (directly or through a group) and the
    // creator; never to the admin without an address, the disabled one or the developer.
    const mails = mailsAbout(shown);
    const pausedMails = mails.filter((m) => subjectOf(m.raw).includes("Webhook target paused"));
    expect(pausedMails).toHaveLength(1);
    const [mail] = pausedMails;
    expect(new Set(mail.to)).toEqual(
      new Set([
        people.admin.email,
        people.viaGroup.email,
        (await db.user.findUniqueOrThrow({ where: { id: creator.user.id } })).email,
      ]),
    );
    expect(mail.from).toBe("notifier@example.com");
    expect(subjectOf(mail.raw)).toBe(
      `[Harbor Notifier] Webhook target paused: ${shown} (${people.project.name}/${policy.name})`,
    );
    const text = mimeParts(mail.raw).parts.find((p) => p.type === "text/plain")!.body;
    expect(text).toContain("paused automatically");
    expect(text).toMatch(/^Target: +http:\/\/127\.0\.0\.1:\d+\/hook$/m);
    expect(text).toContain("Once the endpoint works again, resume it");
    for (const m of smtp.mails)
      for (const secret of [AUTH_SECRET, HEADER_SECRET, QUERY_SECRET]) expect(m.raw).not.toContain(secret);

    // No storm: the digests of the deliveries that failed came at most once per interval, and with
    // the pause (which took in the last digest) they count every delivery that failed.
    const alerts = await alertsOf(policy.id);
    const digests = alerts.filter((a) => a.kind === "delivery_exhausted");
    expect(digests.length).toBeGreaterThanOrEqual(1);
    expect(digests.length).toBeLessThanOrEqual(Math.ceil(outage / DIGEST_MS) + 1);
    const claimed = digests.map((d) => d.claimedAt!.getTime());
    for (let i = 1; i < claimed.length; i++) expect(claimed[i] - claimed[i - 1]).toBeGreaterThanOrEqual(DIGEST_MS - 50);
    const failed = await db.task.count({ where: { policyId: policy.id, status: "Error" } });
    expect(failed).toBeGreaterThanOrEqual(3);
    // (A delivery still in flight at the pause, and the one waiting behind it, fail after it: told nothing.)
    const told = digests.reduce((n, d) => n + d.deliveries, 0) + paused.deliveries;
    expect(told).toBeLessThanOrEqual(failed);
    expect(told).toBeGreaterThanOrEqual(failed - 2);
    expect(alerts.filter((a) => a.kind === "target_paused")).toHaveLength(1);
    expect(mails).toHaveLength(digests.length + 1);
    expect(digests.every((d) => d.emailStatus === "sent")).toBe(true);

    // The alert as recorded.
    expect(paused).toMatchObject({
      cause: "failures",
      operator: "",
      emailStatus: "sent",
      emailedTo: expect.stringContaining(people.admin.email!),
      eventDetail: "raised: 2 deliveries to operations channels",
    });

    // The operations channels: one webhook.target_paused each, signed, in Default and CloudEvents form.
    const pausedEvents = bodiesOf(plain).filter((b) => b.type === "webhook.target_paused");
    expect(pausedEvents).toHaveLength(1);
    const body = pausedEvents[0];
    expect(body).toMatchObject({
      type: "webhook.target_paused",
      operator: "",
      event_data: {
        project: { project_id: people.project.id, name: people.project.name },
        webhook: { id: policy.id, name: policy.name, instance_wide: false },
        target: { id: target.id, type: "http", address: shown },
        state: "paused",
        cause: "failures",
        reason: target.pausedReason,
      },
    });
    const request = plain.requests.find((r) => JSON.parse(r.body).type === "webhook.target_paused")!;
    expect(new Webhook(plain.secret).verify(request.body, request.headers as Record<string, string>)).toEqual(body);
    const ce = bodiesOf(cloud).filter((b) => b.type === "harbor.webhook.target.paused");
    expect(ce).toHaveLength(1);
    expect(ce[0]).toMatchObject({
      specversion: "1.0",
      source: `/projects/${people.project.id}/webhook/policies/${cloud.id}`,
      data: body.event_data,
    });
    for (const r of [...plain.requests, ...cloud.requests])
      for (const secret of [AUTH_SECRET, HEADER_SECRET, QUERY_SECRET]) expect(r.body).not.toContain(secret);
    expect(bodiesOf(plain).filter((b) => b.type === "webhook.delivery_exhausted")).toHaveLength(digests.length);

    // Recorded in history like any delivery: the channel's execution of the event, a success.
    const execution = await db.execution.findFirstOrThrow({
      where: { policyId: plain.id, eventId: paused.eventId! },
      include: { event: true },
    });
    expect(execution).toMatchObject({ eventType: "webhook.target_paused", status: "Success" });
    expect(execution.event).toMatchObject({ projectId: null, source: "alert", idempotencyKey: `alert:${paused.id}` });
  }, 60_000);
});

describe("a person's pause and resume", () => {
  it("a pause through the Destinations API and a resume in the UI are each told once", async () => {
    await useSmtp(true);
    const people = await projectWithPeople();
    const plain = await operationsChannel("Default");
    const { key } = await makeApiKey(people.project.id, "test");
    const rx = await delivery.receiver((_q, res) => res.end("ok"));
    const { id } = await pausedDestination(key, rx.url);
    // Pausing what is paused changes nothing, and is told nothing.
    expect((await setDestinationStatus(key, id, "paused")).status).toBe(200);
    // Nor is a destination created paused: no state changed.
    const createdPaused = await call(destinations.POST, {
      path: "/v1/destinations",
      key,
      body: { url: rx.url, status: "paused" },
    });
    expect(createdPaused.status).toBe(201);

    const db = await getDb();
    const policy = await db.webhookPolicy.findFirstOrThrow({ where: { publicId: id }, include: { targets: true } });
    const pausedEvent = await until(() => bodiesOf(plain).find((b) => b.type === "webhook.target_paused"));
    expect(pausedEvent).toMatchObject({
      operator: expect.stringMatching(/^api-key:/),
      event_data: { state: "paused", cause: "person", webhook: { id: policy.id } },
    });

    // Resumed by a project admin in the UI.
    session.actor = people.admin.actor;
    const resumed = await webhookActions.resumeTargetAction(people.project.name, policy.id, policy.targets[0].id);
    expect(resumed).toMatchObject({ ok: true });
    const resumedEvent = await until(() => bodiesOf(plain).find((b) => b.type === "webhook.target_resumed"));
    expect(resumedEvent).toMatchObject({
      operator: people.admin.user.username,
      event_data: {
        project: { name: people.project.name },
        state: "active",
        cause: "person",
        reason: `resumed by ${people.admin.user.username}`,
      },
    });
    const alerts = await until(async () => {
      const all = await alertsOf(policy.id);
      return all.length === 2 && all.every((a) => a.sentAt) ? all : undefined;
    });
    expect(alerts.map((a) => [a.kind, a.emailStatus])).toEqual([
      ["target_paused", "sent"],
      ["target_resumed", "sent"],
    ]);
    const quiet = await db.webhookPolicy.findFirstOrThrow({
      where: { publicId: (createdPaused.json as { id: string }).id },
    });
    expect(await alertsOf(quiet.id)).toEqual([]);
    const subjects = mailsAbout(rx.url).map((m) => subjectOf(m.raw));
    expect(subjects).toEqual([
      expect.stringMatching(/^\[Harbor Notifier\] Webhook target paused: /),
      expect.stringMatching(/^\[Harbor Notifier\] Webhook target resumed: /),
    ]);
    expect(
      bodiesOf(plain).filter((b) => (b.event_data as { webhook: { id: number } }).webhook.id === policy.id),
    ).toHaveLength(2);
  });

  it("resuming a target that is not paused changes no state and tells nobody", async () => {
    const people = await projectWithPeople();
    const policy = await projectWebhook(people.project.id, sys.actor, "http://127.0.0.1:9/hook");
    const target = await (await getDb()).webhookTarget.findFirstOrThrow({ where: { policyId: policy.id } });
    session.actor = people.admin.actor;
    expect(await webhookActions.resumeTargetAction(people.project.name, policy.id, target.id)).toMatchObject({
      ok: true,
    });
    expect(await alertsOf(policy.id)).toEqual([]);
  });

  it("without SMTP the alert is recorded as not emailed, and its event still goes out", async () => {
    await useSmtp(false);
    try {
      const people = await projectWithPeople();
      const plain = await operationsChannel("Default");
      const { key } = await makeApiKey(people.project.id, "test");
      const rx = await delivery.receiver((_q, res) => res.end("ok"));
      const { policyId } = await pausedDestination(key, rx.url);
      const [alert] = await until(async () => {
        const all = await alertsOf(policyId);
        return all[0]?.sentAt ? all : undefined;
      });
      expect(alert).toMatchObject({
        kind: "target_paused",
        emailStatus: "not_emailed",
        emailDetail: NO_SMTP_DETAIL,
        emailedTo: "",
      });
      expect(mailsAbout(rx.url)).toHaveLength(0);
      await until(() => bodiesOf(plain).some((b) => b.type === "webhook.target_paused"));
    } finally {
      await useSmtp(true);
    }
  });
});

describe("operations channels raise no alerts about themselves", () => {
  it("a channel that fails is paused and emailed about, but its failures and pause raise no operational event", async () => {
    await useSmtp(true);
    const address = await blackHole();
    const input = policyInputSchema.parse({
      name: `ops-dead-${uid()}`,
      event_types: ["webhook.target_paused", "webhook.target_resumed", "webhook.delivery_exhausted"],
      project_pattern: `${PREFIX}-*`,
      targets: [{ type: "http", address, payload_format: "Default" }],
      retry_policy: { max_attempts: 1, timeout_ms: 500 },
    });
    const access = instanceWebhookAccess(requireSystem(sys.actor, "webhooks.instance"), "webhook.manage");
    const { policy: dead } = await createPolicy(access, input);
    const db = await getDb();
    // Operational events for the dead channel: manual pauses of a project's destinations.
    const people = await projectWithPeople();
    const { key } = await makeApiKey(people.project.id, "test");
    const deadline = Date.now() + 20_000;
    while ((await db.webhookTarget.findFirstOrThrow({ where: { policyId: dead.id } })).status !== "paused") {
      if (Date.now() > deadline) throw new Error("the channel was not paused");
      await pausedDestination(key, "http://127.0.0.1:9/hook");
      await new Promise((r) => setTimeout(r, 300));
    }
    const alerts = await until(async () => {
      const all = await alertsOf(dead.id);
      return all.some((a) => a.kind === "target_paused" && a.sentAt) ? all : undefined;
    });
    // Deliveries of operational events count in no digest; the pause is emailed to the system admins.
    expect(alerts.map((a) => a.kind)).toEqual(["target_paused"]);
    expect(alerts[0]).toMatchObject({
      emailStatus: "sent",
      emailedTo: expect.stringContaining("sys-"),
      eventId: null,
      eventDetail: "not raised: this webhook receives operational events itself (no alerts about alerts)",
    });
    expect(subjectOf(mailsAbout(address.replace(/\?.*$/, ""))[0].raw)).toContain(`(instance-wide/${dead.name})`);
  }, 40_000);
});
