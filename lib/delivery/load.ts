import { projectNamedBy } from "@/lib/shared/events";
import { driverDate as date, rawQuery } from "@/lib/db/raw";
import { Prisma } from "@/lib/db/sql";
import { mergedEventData } from "@/lib/delivery/grouping";

/** Everything one delivery needs. */
export type ClaimedTask = {
  id: number;
  executionId: number;
  targetId: number;
  webhookId: string;
  runCount: number;
  maxAttempts: number;
  execution: {
    id: number;
    vendorType: string;
    event: {
      id: number;
      type: string;
      occurAt: number;
      operator: string;
      /** One string per event, shared by the batch's tasks of that event (see byte-budget.ts). */
      eventData: string;
      requestId: string;
      createdAt: Date;
      /** The traceparent of the event's ingest span (stored while tracing was on), which each attempt's trace continues. */
      traceContext?: string | null;
    };
    target: {
      id: number;
      type: string;
      address: string;
      authHeaderEnc: string | null;
      skipCertVerify: boolean;
      payloadFormat: string;
      payloadTemplate?: string | null;
      contentType?: string | null;
      /** encrypted JSON object of extra request headers */
      customHeadersEnc?: string | null;
    };
    policy: {
      id: number;
      /** The event's project (an instance-wide policy has none of its own). */
      projectId: number;
      /** An instance-wide policy: links point at the system admin's pages. */
      instanceWide?: boolean;
      /** What a Custom payload template sees as project.name and policy.name. */
      projectName?: string;
      name?: string;
      maxAttempts: number | null;
      backoffBaseMs: number | null;
      backoffCapMs: number | null;
      timeoutMs: number | null;
      signingKeys: { secretEnc: string; expiresAt: Date | null; createdAt: Date }[];
    };
  };
};

const int = (v: unknown) => Number(v);

/**
 * The event's project: its row, or for an event that outlived its project (PROJECT_DELETED, no
 * project row) the project its data names.
 */
function projectOf(
  r: Record<string, unknown>,
  eventData: string | undefined,
): { projectId: number; projectName: string } {
  if (r.projectId !== null && r.projectId !== undefined)
    return { projectId: Number(r.projectId), projectName: String(r.projectName) };
  const named = projectNamedBy(eventData ?? "{}");
  return { projectId: named?.id ?? 0, projectName: named?.name ?? "" };
}

const intOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const bool = (v: unknown) => v === true || v === 1 || v === 1n || v === "1" || v === "true";

/**
 * Loads a batch of claimed tasks with plain queries on the driver (lib/db/raw.ts): the tasks joined
 * with their execution, event, target and policy; the events' data, once per event (a batch often
 * holds one event's tasks for many policies) and only for events `known` does not have yet; then
 * the policies' signing keys.
 */
export async function loadClaimedTasks(
  ids: number[],
  known: (eventId: number) => string | undefined = () => undefined,
): Promise<ClaimedTask[]> {
  if (ids.length === 0) return [];
  const rows = await rawQuery(Prisma.sql`
    SELECT t."id", t."executionId", t."targetId", t."webhookId", t."runCount", t."maxAttempts",
      e."vendorType", ev."id" AS "eventId", ev."type" AS "eventType", ev."occurAt", ev."operator", ev."requestId", ev."createdAt" AS "eventCreatedAt", ev."traceContext",
      w."type" AS "targetType", w."address", w."authHeaderEnc", w."skipCertVerify", w."payloadFormat",
      w."payloadTemplate", w."contentType", w."customHeadersEnc",
      p."id" AS "policyId", ev."projectId", p."projectId" IS NULL AS "instanceWide", p."name" AS "policyName", pr."name" AS "projectName", p."maxAttempts" AS "policyMaxAttempts", p."backoffBaseMs", p."backoffCapMs", p."timeoutMs"
    FROM "Task" t
    JOIN "Execution" e ON e."id" = t."executionId"
    JOIN "Event" ev ON ev."id" = e."eventId"
    JOIN "WebhookTarget" w ON w."id" = t."targetId"
    JOIN "WebhookPolicy" p ON p."id" = e."policyId"
    LEFT JOIN "Project" pr ON pr."id" = ev."projectId"
    WHERE t."id" IN (${Prisma.join(ids)})`);
  const eventData = new Map<number, string>();
  const missing: number[] = [];
  for (const eventId of new Set(rows.map((r) => int(r.eventId)))) {
    const data = known(eventId);
    if (data !== undefined) eventData.set(eventId, data);
    else missing.push(eventId);
  }
  if (missing.length) {
    const events = await rawQuery(
      Prisma.sql`SELECT "id", "eventData" FROM "Event" WHERE "id" IN (${Prisma.join(missing)})`,
    );
    for (const e of events) eventData.set(int(e.id), String(e.eventData));
  }
  const policyIds = [...new Set(rows.map((r) => int(r.policyId)))];
  const keys = policyIds.length
    ? await rawQuery(
        Prisma.sql`SELECT "policyId", "secretEnc", "expiresAt", "createdAt" FROM "SigningKey" WHERE "policyId" IN (${Prisma.join(policyIds)})`,
      )
    : [];
  const keysByPolicy = new Map<number, ClaimedTask["execution"]["policy"]["signingKeys"]>();
  for (const k of keys) {
    const list = keysByPolicy.get(int(k.policyId)) ?? [];
    list.push({
      secretEnc: String(k.secretEnc),
      expiresAt: k.expiresAt ? date(k.expiresAt) : null,
      createdAt: date(k.createdAt),
    });
    keysByPolicy.set(int(k.policyId), list);
  }
  // One event object per event: its tasks share it, and with it the payloads rendered from it (deliver.ts).
  const events = new Map<number, ClaimedTask["execution"]["event"]>();
  const eventOf = (r: Record<string, unknown>) => {
    const id = int(r.eventId);
    let event = events.get(id);
    if (!event) {
      event = {
        id,
        type: String(r.eventType),
        occurAt: int(r.occurAt),
        operator: String(r.operator),
        eventData: eventData.get(id) ?? "{}",
        requestId: String(r.requestId),
        createdAt: date(r.eventCreatedAt),
        traceContext: (r.traceContext as string | null) ?? null,
      };
      events.set(id, event);
    }
    return event;
  };
  const merged = await groupPayloads(ids);
  // A group's task carries its members' merged data: an event object of its own (a negative id,
  // the task's, so it shares nothing held per event with its first event's other deliveries).
  const eventFor = (r: Record<string, unknown>) => {
    const data = merged.get(int(r.id));
    return data === undefined ? eventOf(r) : { ...eventOf(r), id: -int(r.id), eventData: data };
  };
  return rows.map((r) => ({
    id: int(r.id),
    executionId: int(r.executionId),
    targetId: int(r.targetId),
    webhookId: String(r.webhookId),
    runCount: int(r.runCount),
    maxAttempts: int(r.maxAttempts),
    execution: {
      id: int(r.executionId),
      vendorType: String(r.vendorType),
      event: eventFor(r),
      target: {
        id: int(r.targetId),
        type: String(r.targetType),
        address: String(r.address),
        authHeaderEnc: (r.authHeaderEnc as string | null) ?? null,
        skipCertVerify: bool(r.skipCertVerify),
        payloadFormat: String(r.payloadFormat),
        payloadTemplate: (r.payloadTemplate as string | null) ?? null,
        contentType: (r.contentType as string | null) ?? null,
        customHeadersEnc: (r.customHeadersEnc as string | null) ?? null,
      },
      policy: {
        id: int(r.policyId),
        ...projectOf(r, eventData.get(int(r.eventId))),
        instanceWide: bool(r.instanceWide),
        name: String(r.policyName),
        maxAttempts: intOrNull(r.policyMaxAttempts),
        backoffBaseMs: intOrNull(r.backoffBaseMs),
        backoffCapMs: intOrNull(r.backoffCapMs),
        timeoutMs: intOrNull(r.timeoutMs),
        signingKeys: keysByPolicy.get(int(r.policyId)) ?? [],
      },
    },
  }));
}

/** The merged event data of the grouped tasks among `ids` that hold more than one event. */
async function groupPayloads(ids: number[]): Promise<Map<number, string>> {
  const rows = await rawQuery(Prisma.sql`
    SELECT g."taskId", ev."eventData" FROM "GroupMember" g JOIN "Event" ev ON ev."id" = g."eventId"
    WHERE g."taskId" IN (${Prisma.join(ids)}) ORDER BY g."taskId", ev."id"`);
  const members = new Map<number, string[]>();
  for (const r of rows) {
    const list = members.get(int(r.taskId)) ?? [];
    list.push(String(r.eventData));
    members.set(int(r.taskId), list);
  }
  const merged = new Map<number, string>();
  for (const [taskId, list] of members) if (list.length > 1) merged.set(taskId, mergedEventData(list));
  return merged;
}
