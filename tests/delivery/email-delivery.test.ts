// Email targets through the worker, to a real SMTP server on 127.0.0.1: the message's parts,
// escaping, recipients and subject; a 550 ends the task as failed with the reply in its log; a TLS
// mismatch says so; the SMTP password never appears in answers or logs. Loopback is allowed by
// ALLOWED_NETWORKS, as for the other delivery tests.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { requireProject } from "@/lib/auth/access";
import { encryptSecret } from "@/lib/crypto/secret-box";
import { getDb } from "@/lib/db/client";
import { sendEmail } from "@/lib/delivery/email-sender";
import { createTargetRateLimits } from "@/lib/delivery/rate-limiter";
import { classifyOutcome } from "@/lib/delivery/retry";
import { DeliveryWorker } from "@/lib/delivery/worker";
import { ingestEvent } from "@/lib/events/ingest";
import { sampleEvent } from "@/lib/events/samples";
import { taskLogLines } from "@/lib/history/task-log";
import { createPolicy } from "@/lib/policies/service";
import type { SmtpConfig } from "@/lib/settings/smtp";
import { EVENT_LABELS, EVENT_TYPES } from "@/lib/shared/events";
import { policyInputSchema } from "@/lib/shared/policy-input";
import { makeProject, makeUser } from "../helpers/fixtures";
import { logged } from "../helpers/log-capture";
import { useOwnDatabase } from "../helpers/own-database";
import { mimeParts, startSmtp, type LocalSmtp } from "../helpers/smtp-receiver";
import { until } from "../helpers/until";

vi.mock("@/lib/log/logger", async () => (await import("../helpers/log-capture")).loggerMock());
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

const settingsActions = await import("@/app/admin/settings/actions");

const PASSWORD = "smtp-Pa55word-never-shown";
let worker: DeliveryWorker;
let dispose: () => Promise<void>;
let smtp: LocalSmtp;
let admin: Awaited<ReturnType<typeof makeUser>>;

beforeAll(async () => {
  ({ dispose } = await useOwnDatabase("email-delivery"));
  admin = await makeUser({ sysadmin: true });
  smtp = await startSmtp();
  worker = new DeliveryWorker({ pollMs: 50, backoffScale: 0.005, leaseMs: 2_000 });
  await worker.start();
}, 60_000);
afterAll(async () => {
  await worker?.stop();
  await smtp?.close();
  await dispose?.();
});

async function useSmtp(over: Partial<{ smtpTlsMode: string; smtpPort: number }> = {}) {
  const db = await getDb();
  await db.systemSettings.update({
    where: { id: 1 },
    data: {
      smtpHost: "127.0.0.1",
      smtpPort: smtp.port,
      smtpTlsMode: "none",
      smtpUser: "notifier",
      smtpPasswordEnc: encryptSecret(PASSWORD),
      smtpFrom: "harbor@example.com",
      ...over,
    },
  });
}

async function emailPolicy(address: string) {
  const project = await makeProject();
  const input = policyInputSchema.parse({
    name: `email-${project.id}`,
    event_types: ["PUSH_ARTIFACT"],
    targets: [{ type: "email", address }],
  });
  const { policy } = await createPolicy(await requireProject(admin.actor, project.id, "webhook.manage"), input);
  return { project, policy };
}

const finished = (policyId: number, status: string) =>
  until(async () => {
    const db = await getDb();
    const t = await db.task.findFirst({
      where: { policyId },
      include: { attempts: { orderBy: { number: "asc" } }, execution: true },
    });
    if (!t || t.status !== status) return undefined;
    return { ...t, logs: (await taskLogLines([t.id])).get(t.id) ?? [] };
  }, 15_000);

describe("email deliveries through the worker", () => {
  it("sends a multipart message: both parts, escaped HTML, the recipients and the subject", async () => {
    await useSmtp();
    const { project, policy } = await emailPolicy("mailto:ops@example.com,Dev@Example.com");
    const event = sampleEvent("PUSH_ARTIFACT");
    const repo = event.event_data.repository as Record<string, unknown>;
    repo.namespace = "library";
    repo.repo_full_name = "library/<script>alert(1)</script>\r\nBcc: victim@example.com";
    const before = smtp.mails.length;
    await ingestEvent({ projectId: project.id, event, source: "api" });
    const task = await finished(policy.id, "Success");

    const mail = smtp.mails[before];
    // nodemailer lower-cases the domain; the local part is kept as written
    expect(mail.to).toEqual(["ops@example.com", "Dev@example.com"]);
    expect(mail.from).toBe("harbor@example.com");
    expect(smtp.logins.at(-1)).toEqual({ user: "notifier", password: PASSWORD });
    const { headers, parts } = mimeParts(mail.raw);
    expect(headers).toMatch(/^Content-Type: multipart\/alternative;/m);
    expect(headers).toContain(
      "Subject: [Harbor] library: Artifact pushed in library/<script>alert(1)</script> Bcc: victim@example.com",
    );
    expect(headers).not.toMatch(/^Bcc:/im);
    expect(headers).toMatch(/^To: ops@example\.com, Dev@example\.com$/m);
    expect(parts.map((p) => p.type)).toEqual(["text/plain", "text/html"]);
    const [text, html] = parts;
    expect(text.body).toContain("Artifact pushed: library/<script>alert(1)</script>");
    expect(text.body).toMatch(/^Digest: +sha256:954b378c/m);
    expect(html.body).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html.body).not.toContain("<script>");

    expect(task.attempts).toHaveLength(1);
    expect(task.attempts[0].responseStatus).toBe(250);
    const log = task.logs.map((l) => l.message).join("\n");
    expect(log).toContain(`sending email to 2 recipient(s) through 127.0.0.1:${smtp.port} (None (plain text)`);
    expect(log).toMatch(/success to run webhook job: response code 250/);
  });

  it("every event type arrives as a multipart mail whose subject names the event", async () => {
    await useSmtp();
    const project = await makeProject();
    const input = policyInputSchema.parse({
      name: `email-all-${project.id}`,
      event_types: [...EVENT_TYPES],
      targets: [{ type: "email", address: "mailto:all-events@example.com" }],
    });
    const { policy } = await createPolicy(await requireProject(admin.actor, project.id, "webhook.manage"), input);
    for (const eventType of EVENT_TYPES) {
      await ingestEvent({ projectId: project.id, event: sampleEvent(eventType), source: "api" });
    }
    const db = await getDb();
    await until(
      async () => (await db.task.count({ where: { policyId: policy.id, status: "Success" } })) === EVENT_TYPES.length,
      15_000,
    );
    const mails = smtp.mails.filter((m) => m.to.includes("all-events@example.com"));
    expect(mails).toHaveLength(EVENT_TYPES.length);
    const subjects = mails.map((m) => /^Subject: (.*)$/m.exec(mimeParts(m.raw).headers)?.[1] ?? "");
    for (const eventType of EVENT_TYPES) {
      expect(
        subjects.some((subject) => subject.includes(EVENT_LABELS[eventType])),
        eventType,
      ).toBe(true);
    }
    for (const m of mails) expect(mimeParts(m.raw).parts.map((p) => p.type)).toEqual(["text/plain", "text/html"]);
  });

  it("a 550 rejection fails the task at once, with the server's reply in its log", async () => {
    await useSmtp();
    const { project, policy } = await emailPolicy("mailto:reject-me@example.com");
    await ingestEvent({ projectId: project.id, event: sampleEvent("PUSH_ARTIFACT"), source: "api" });
    const task = await finished(policy.id, "Error");
    expect(task.attempts).toHaveLength(1);
    expect(task.attempts[0].responseStatus).toBe(550);
    const log = task.logs.map((l) => l.message).join("\n");
    expect(log).toContain("550 5.1.1 <reject-me@example.com>: Recipient address rejected: User unknown");
    expect(log).toContain("not retried");
  });

  it("TLS mode TLS against a plain server: a clear TLS error, retried like a network error", async () => {
    await useSmtp({ smtpTlsMode: "tls" });
    const { project, policy } = await emailPolicy("mailto:ops@example.com");
    await ingestEvent({ projectId: project.id, event: sampleEvent("PUSH_ARTIFACT"), source: "api" });
    const task = await finished(policy.id, "Error");
    expect(task.attempts.length).toBe(task.maxAttempts);
    expect(task.attempts[0].error).toContain(
      `TLS error: 127.0.0.1:${smtp.port} does not start TLS on connect; choose STARTTLS or None`,
    );
  });

  it("the SMTP password is in no task log, attempt or operator log line", async () => {
    const db = await getDb();
    const attempts = await db.attempt.findMany();
    const logs = await db.task.findMany({ select: { id: true } });
    const lines = await taskLogLines(logs.map((t) => t.id));
    const everything = JSON.stringify({ attempts, lines: [...lines.values()], logged });
    expect(attempts.length).toBeGreaterThan(0);
    expect(everything).not.toContain(PASSWORD);
    const stored = await db.systemSettings.findUniqueOrThrow({ where: { id: 1 } });
    expect(stored.smtpPasswordEnc).not.toContain(PASSWORD);
  });
});

describe("sendEmail", () => {
  const config = (over: Partial<SmtpConfig> = {}): SmtpConfig => ({
    host: "127.0.0.1",
    port: smtp.port,
    tlsMode: "none",
    from: "harbor@example.com",
    source: "settings",
    ...over,
  });
  const message = { subject: "s", text: "t", html: "<p>t</p>" };

  it("refuses a loopback server that is not allow-listed, before connecting", async () => {
    const before = smtp.connections();
    const r = await sendEmail({ smtp: config(), to: ["a@example.com"], message, timeoutMs: 2_000, allowList: [] });
    expect(r).toMatchObject({ ok: false, errorKind: "refused_address" });
    expect(r.error).toContain("127.0.0.1 is a loopback address");
    expect(smtp.connections()).toBe(before);
  });

  it("STARTTLS required of a server that offers none: a clear TLS error", async () => {
    const r = await sendEmail({
      smtp: config({ tlsMode: "starttls" }),
      to: ["a@example.com"],
      message,
      timeoutMs: 2_000,
      allowList: ["127.0.0.0/8"],
    });
    expect(r).toMatchObject({ ok: false, errorKind: "tls" });
    expect(r.error).toContain(`127.0.0.1:${smtp.port} offers no STARTTLS`);
  });

  it("plain text to a server that expects TLS at once: the greeting times out within the timeout", async () => {
    const tlsServer = await startSmtp({ secure: true, disabledCommands: [] });
    try {
      const started = Date.now();
      const r = await sendEmail({
        smtp: config({ port: tlsServer.port }),
        to: ["a@example.com"],
        message,
        timeoutMs: 800,
        allowList: ["127.0.0.0/8"],
      });
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(r).toMatchObject({ ok: false, errorKind: "timeout" });
      expect(r.error).toBe(
        `timed out waiting for 127.0.0.1:${tlsServer.port}'s SMTP greeting; if the server expects TLS from the start, choose TLS as the TLS mode`,
      );
    } finally {
      await tlsServer.close();
    }
  });

  it("a 4xx reply or a refused connection is retried like a network error; a 5xx is not", async () => {
    const send = (over: Partial<SmtpConfig>, to: string) =>
      sendEmail({ smtp: config(over), to: [to], message, timeoutMs: 2_000, allowList: ["127.0.0.0/8"] });
    const deferred = await send({}, "defer@example.com");
    expect(deferred).toMatchObject({ ok: false, status: 451, errorKind: "network" });
    expect(deferred.error).toContain("451 4.2.1 Mailbox busy, try again later");
    expect(classifyOutcome(deferred)).toBe("retry");
    const closed = await send({ port: 9 }, "ops@example.com");
    expect(closed).toMatchObject({ ok: false, errorKind: "network" });
    expect(closed.error).toContain("ECONNREFUSED");
    expect(classifyOutcome(closed)).toBe("retry");
    expect(classifyOutcome(await send({}, "reject@example.com"))).toBe("fail_permanent");
  });

  it("paces every email through one bucket for the SMTP server", () => {
    let now = 0;
    const limits = createTargetRateLimits(() => now);
    const waits = Array.from({ length: 6 }, (_, i) => limits.reserve("email", `mailto:user${i}@example.com`));
    expect(waits.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    expect(waits[5]).toBeGreaterThan(0);
    now += 200;
    expect(limits.reserve("email", "mailto:other@example.com")).toBe(0);
  });
});

describe("the settings action", () => {
  const form = (fields: Record<string, string>) => {
    const data = new FormData();
    for (const [k, v] of Object.entries(fields)) data.set(k, v);
    return data;
  };
  const valid = () => ({
    webhooksEnabled: "on",
    maxAttempts: "3",
    httpTimeoutSeconds: "3",
    allowedNetworks: "",
    retentionCount: "1000",
    retentionDays: "30",
    destinationLimit: "100",
    signingOverlapHours: "24",
    smtpHost: "127.0.0.1",
    smtpPort: String(smtp.port),
    smtpTlsMode: "none",
    smtpUser: "notifier",
    smtpPassword: PASSWORD,
    smtpFrom: "harbor@example.com",
  });

  it("saves the SMTP server, the password encrypted and write-only", async () => {
    session.actor = admin.actor;
    const r = await settingsActions.updateSettingsAction(null, form(valid()));
    expect(r).toMatchObject({ ok: true });
    expect(JSON.stringify(r)).not.toContain(PASSWORD);
    const db = await getDb();
    const row = await db.systemSettings.findUniqueOrThrow({ where: { id: 1 } });
    expect(row).toMatchObject({
      smtpHost: "127.0.0.1",
      smtpPort: smtp.port,
      smtpTlsMode: "none",
      smtpUser: "notifier",
    });
    expect(row.smtpPasswordEnc).toMatch(/^v1:/);

    // An empty password keeps the stored one; "remove" drops it.
    expect(await settingsActions.updateSettingsAction(null, form({ ...valid(), smtpPassword: "" }))).toMatchObject({
      ok: true,
    });
    expect((await db.systemSettings.findUniqueOrThrow({ where: { id: 1 } })).smtpPasswordEnc).toBe(row.smtpPasswordEnc);
    const changed = logged.filter((l) => l.args[1] === "system settings changed");
    expect(changed.length).toBeGreaterThan(0);
    expect(JSON.stringify(changed)).toContain("smtpPasswordChange");
    expect(JSON.stringify(logged)).not.toContain(PASSWORD);
  });

  it.each([
    ["smtpPort", "70000", "Enter a whole number from 1 to 65,535."],
    ["smtpTlsMode", "ssl", "Choose one of none, starttls, tls."],
    ["smtpFrom", "not an address", "Enter an email address such as harbor@example.com."],
    ["smtpHost", "smtp example com", "Enter a host name or IP address, such as smtp.example.com."],
  ])("refuses a bad %s, naming the field", async (field, value, message) => {
    session.actor = admin.actor;
    expect(await settingsActions.updateSettingsAction(null, form({ ...valid(), [field]: value }))).toMatchObject({
      ok: false,
      code: "validation_error",
      field,
      message,
    });
  });

  it("Send test email: success, the server's refusal, and a bad address", async () => {
    session.actor = admin.actor;
    await settingsActions.updateSettingsAction(null, form(valid()));
    const before = smtp.mails.length;
    const sent = await settingsActions.sendTestEmailAction(" me@example.com ");
    expect(sent).toMatchObject({ ok: true, data: { sent: true } });
    expect((sent as { data: { detail: string } }).data.detail).toMatch(
      /^Sent to me@example\.com through 127\.0\.0\.1:\d+ .*250/,
    );
    expect(smtp.mails[before].to).toEqual(["me@example.com"]);
    expect(mimeParts(smtp.mails[before].raw).headers).toContain("Subject: [Harbor] Test email from Harbor Notifier");

    const refused = await settingsActions.sendTestEmailAction("reject@example.com");
    expect(refused).toMatchObject({ ok: true, data: { sent: false } });
    expect((refused as { data: { detail: string } }).data.detail).toContain("550 5.1.1 <reject@example.com>");

    expect(await settingsActions.sendTestEmailAction("nope")).toMatchObject({
      ok: false,
      code: "validation_error",
      field: "to",
    });
    expect(JSON.stringify(logged)).not.toContain(PASSWORD);
  });

  it("only system admins may send a test email", async () => {
    const other = await makeUser();
    session.actor = other.actor;
    expect(await settingsActions.sendTestEmailAction("me@example.com")).toMatchObject({ ok: false, code: "forbidden" });
  });
});
