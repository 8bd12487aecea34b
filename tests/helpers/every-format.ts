/**
 * One webhook policy with a target of every format (http Default, CloudEvents and Custom, Slack,
 * Teams, Google Chat, Mattermost, Discord, email), all to local receivers, and the check that an
 * event reached each of them as that format. For tests of an event type from its real source.
 */
import { expect } from "vitest";
import { instanceWebhookAccess, requireProject, requireSystem } from "@/lib/auth/access";
import type { Actor } from "@/lib/auth/actor";
import { getDb } from "@/lib/db/client";
import { createPolicy } from "@/lib/policies/service";
import { CLOUDEVENT_TYPES, EVENT_LABELS, type EventType, type HarborEvent } from "@/lib/shared/events";
import { policyInputSchema } from "@/lib/shared/policy-input";
import type { LocalServer } from "./receiver";
import type { LocalSmtp } from "./smtp-receiver";
import { until } from "./until";

export const CUSTOM_TEMPLATE = '{"custom": true, "type": {{ type | json }}, "title": {{ summary.title | json }}}';
const CHAT_PATHS = ["slack", "teams", "googlechat", "mattermost", "discord"] as const;
export const FORMAT_COUNT = 3 + CHAT_PATHS.length + 1;

/** Points email targets at the local SMTP server (system settings of the current database). */
export async function useLocalSmtp(smtp: LocalSmtp) {
  const db = await getDb();
  await db.systemSettings.update({
    where: { id: 1 },
    data: { smtpHost: "127.0.0.1", smtpPort: smtp.port, smtpTlsMode: "none", smtpFrom: "harbor@example.com" },
  });
}

/** projectId null: an instance-wide policy (the actor a system admin; give it a project_pattern). */
export async function everyFormatPolicy(
  actor: Actor,
  projectId: number | null,
  rx: LocalServer,
  eventTypes: EventType[],
  extra: Record<string, unknown> = {},
) {
  const scope = projectId ?? `instance-${Date.now().toString(36)}`;
  const mailbox = `formats-${scope}@example.com`;
  const input = policyInputSchema.parse({
    name: `every-format-${scope}-${eventTypes.join("-")}`,
    event_types: eventTypes,
    targets: [
      { type: "http", address: `${rx.url}/default`, payload_format: "Default" },
      { type: "http", address: `${rx.url}/ce`, payload_format: "CloudEvents" },
      { type: "http", address: `${rx.url}/custom`, payload_format: "Custom", payload_template: CUSTOM_TEMPLATE },
      ...CHAT_PATHS.map((t) => ({ type: t, address: `${rx.url}/${t}/hook-secret` })),
      { type: "email", address: `mailto:${mailbox}` },
    ],
    ...extra,
  });
  const access =
    projectId === null
      ? instanceWebhookAccess(requireSystem(actor, "webhooks.instance"), "webhook.manage")
      : await requireProject(actor, projectId, "webhook.manage");
  const { policy } = await createPolicy(access, input);
  return { policy, mailbox };
}

/**
 * Waits until `expected` reached every target of the policy (its tasks for that event succeeded),
 * then checks each body: the Default payload is the event, CloudEvents carries its type and data,
 * the Custom template rendered, each chat tool and the mail name the event.
 */
export async function expectInEveryFormat(
  policyId: number,
  eventId: number,
  expected: HarborEvent,
  rx: LocalServer,
  smtp: LocalSmtp,
  mailbox: string,
) {
  const db = await getDb();
  await until(
    async () =>
      (await db.task.count({ where: { policyId, status: "Success", execution: { eventId } } })) === FORMAT_COUNT,
    30_000,
    `${expected.type} delivered in every format`,
  );
  const path = new URL(rx.url).pathname;
  const bodies = (sub: string) => rx.requests.filter((r) => r.url.startsWith(`${path}/${sub}`)).map((r) => r.body);
  const ofType = (list: string[], test: (b: string) => boolean) => list.filter(test);

  const defaults = ofType(bodies("default"), (b) => JSON.parse(b).type === expected.type);
  expect(defaults.map((b) => JSON.parse(b))).toContainEqual(expected);

  const ces = bodies("ce").map((b) => JSON.parse(b));
  const ce = ces.find(
    (c) => c.type === CLOUDEVENT_TYPES[expected.type] && JSON.stringify(c.data) === JSON.stringify(expected.event_data),
  );
  expect(ce, `CloudEvents ${expected.type}`).toMatchObject({ specversion: "1.0", operator: expected.operator });

  const customs = bodies("custom").map((b) => JSON.parse(b));
  expect(customs).toContainEqual({
    custom: true,
    type: expected.type,
    title: expect.stringContaining(EVENT_LABELS[expected.type]),
  });

  for (const tool of CHAT_PATHS) {
    expect(
      bodies(tool).some((b) => b.includes(EVENT_LABELS[expected.type]) || b.includes(expected.type)),
      `${tool} message for ${expected.type}`,
    ).toBe(true);
  }
  expect(
    smtp.mails.some((m) => m.to.includes(mailbox) && m.raw.includes(EVENT_LABELS[expected.type])),
    `mail for ${expected.type}`,
  ).toBe(true);
}
