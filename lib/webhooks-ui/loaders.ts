/**
 * Page data of the webhook, API key and settings pages: one function per page, which checks access
 * (a 404 or the forbidden page otherwise) and returns what the page renders, secrets left out for
 * roles that may not see them.
 */
import { deliveryStats, isRange, type DeliveryStats, type RangeKey } from "@/lib/delivery/rollup";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import {
  can,
  instanceWebhookAccess,
  requireProject,
  webhookScopeId,
  type InstanceAccess,
  type WebhookAccess,
} from "@/lib/auth/access";
import { pageProjectAccess, pageSysadmin } from "@/lib/auth/page-access";
import { currentUser } from "@/lib/auth/session";
import { listApiKeys } from "@/lib/api-keys/service";
import { env } from "@/lib/config/env";
import { getDb } from "@/lib/db/client";
import { parseRowId } from "@/lib/ids";
import { describeConditions, parseStoredConditions } from "@/lib/shared/conditions";
import { EVENT_TYPES, eventTypesFor, projectNamedBy } from "@/lib/shared/events";
import { alertsEmailable, recentAlerts } from "@/lib/alerts/list";
import { maskSecretUrl } from "@/lib/shared/policy-input";
import { getExecution, getTask, listExecutions, taskLogText, taskMetrics } from "@/lib/history/queries";
import { EVENT_COUNT_LIMIT, getEventDeliveries, listEvents } from "@/lib/history/events";
import { findPolicy, listPolicies, policyEventTypes } from "@/lib/policies/service";
import { toHarborPolicy } from "@/lib/policies/view";
import { instanceCoverage } from "@/lib/policies/instance-coverage";
import { getSettings } from "@/lib/settings/settings";
import { anyOpen } from "@/lib/shared/display";
import type { PolicyRowView, SettingsView, TargetView } from "@/lib/shared/webhook-views";
import {
  attemptHeaders,
  executionPayload,
  executionRunText,
  redeliveredAfter,
  taskRequestBody,
  taskRunText,
} from "@/lib/webhooks-ui/history-view";
import {
  eventSearchParams,
  executionFilterParams,
  nameFilterParam,
  pageParam,
  policySortParam,
  sortString,
  type SearchParams,
  one,
} from "@/lib/shared/search-params";
import {
  registryConfigSnippet,
  registryNotificationUrl,
  requestOrigin,
  TOKEN_PLACEHOLDER,
  unreachableUrlWarning,
} from "@/lib/webhooks-ui/registry-config";
import { readRegistryFeed } from "@/lib/settings/registry-feed";

export const POLICY_PAGE_SIZE = 20;
export const EXECUTION_PAGE_SIZE = 20;
export const EVENT_PAGE_SIZE = 25;
/** The event page's deliveries (one per webhook target of the project that took the event). */
export const EVENT_DELIVERIES_PAGE_SIZE = 25;
export const API_KEY_PAGE_SIZE = 20;

type WebhookPagePermission = "webhook.read" | "webhook.manage";

async function webhookAccess(projectName: string, permission: WebhookPagePermission) {
  const access = await pageProjectAccess(projectName, permission);
  return { ...access, manage: can(access.role, "webhook.manage"), seeSecrets: can(access.role, "webhook.secrets") };
}

/** The instance-wide webhooks' pages: a system admin, who manages them and sees what a project admin sees. */
async function instanceAccess<P extends WebhookPagePermission>(permission: P) {
  const system = await pageSysadmin("webhooks.instance");
  const access: InstanceAccess<P> = instanceWebhookAccess(system, permission);
  return { user: system.actor, project: null, role: "sysadmin" as const, access, manage: true, seeSecrets: true };
}

/** What every webhook page's data starts from: whose webhooks, and what the reader may do and see. */
type PageAccess = { access: WebhookAccess; manage: boolean; seeSecrets: boolean };

/** Names of the projects whose events these are (an instance-wide webhook's history spans projects). */
async function projectNames(projectIds: (number | null)[]): Promise<Map<number, string>> {
  const ids = [...new Set(projectIds.filter((id) => id !== null))];
  if (ids.length === 0) return new Map();
  const db = await getDb();
  const rows = await db.project.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** An event's project by id and name; an event that outlived its project names it in its data. */
function eventProject(event: { projectId: number | null; eventData: string }, names: Map<number, string>) {
  if (event.projectId === null) return projectNamedBy(event.eventData) ?? { id: 0, name: "" };
  return { id: event.projectId, name: names.get(event.projectId) ?? String(event.projectId) };
}

/** A target's address as this reader may see it: Slack-style secret URLs masked without webhook.secrets. */
function shownAddress(address: string, seeSecrets: boolean): string {
  return seeSecrets ? address : maskSecretUrl(address);
}

/** The delivery figures with the failing targets' addresses as this reader may see them. */
function statsView(stats: DeliveryStats, seeSecrets: boolean): DeliveryStats {
  return {
    ...stats,
    worstTargets: stats.worstTargets.map((t) => ({ ...t, address: shownAddress(t.address, seeSecrets) })),
  };
}

/** Only the fields a page shows (a target row carries secrets and counters too). */
function targetView(t: TargetView, seeSecrets: boolean): TargetView {
  return {
    id: t.id,
    type: t.type,
    address: shownAddress(t.address, seeSecrets),
    payloadFormat: t.type === "http" || t.payloadFormat === "Custom" ? t.payloadFormat : "",
    status: t.status,
    pausedReason: t.pausedReason,
    pausedAt: t.pausedAt,
    consecutiveFailures: t.consecutiveFailures,
    firstFailureAt: t.firstFailureAt,
    lastSuccessAt: t.lastSuccessAt,
    lastFailureReason: t.lastFailureReason,
  };
}

/** The most recent execution of each listed policy (only the page's policies, not the whole project). */
async function lastDeliveries(policyIds: number[]) {
  const db = await getDb();
  const rows = await Promise.all(
    policyIds.map((policyId) =>
      db.execution.findFirst({
        where: { policyId },
        orderBy: { id: "desc" },
        select: { id: true, status: true, startTime: true, endTime: true, eventType: true },
      }),
    ),
  );
  return new Map(policyIds.map((id, i) => [id, rows[i]]));
}

export async function loadWebhooksPage(projectName: string, sp: SearchParams) {
  const access = await webhookAccess(projectName, "webhook.read");
  // Its admins also see, read-only, which instance-wide webhooks cover the project.
  const coverage = can(access.role, "webhook.coverage")
    ? await instanceCoverage(await requireProject(access.user, access.project.id, "webhook.coverage"))
    : null;
  const stats = await deliveryStats(rangeParam(sp), { projectId: access.project.id });
  return { ...(await webhooksPage(access, sp)), coverage, stats: statsView(stats, access.seeSecrets) };
}

export async function loadInstanceWebhooksPage(sp: SearchParams) {
  return webhooksPage(await instanceAccess("webhook.read"), sp);
}

async function webhooksPage<A extends PageAccess>(access: A, sp: SearchParams) {
  const page = pageParam(sp);
  const q = nameFilterParam(sp);
  const sort = policySortParam(sp);
  const { total, items } = await listPolicies(webhookScopeId(access.access), {
    page,
    pageSize: POLICY_PAGE_SIZE,
    name: q,
    sort: sortString(sort),
  });
  const last = await lastDeliveries(items.map((p) => p.id));
  const rows = items.map((p): PolicyRowView => ({
    id: p.id,
    name: p.name,
    description: p.description,
    enabled: p.enabled,
    createdAt: p.createdAt,
    creator: p.creator,
    eventTypes: policyEventTypes(p),
    targets: p.targets.map((t) => targetView(t, access.seeSecrets)),
    last: last.get(p.id) ?? null,
    ...(p.projectId === null ? { projectPattern: p.projectPattern } : {}),
  }));
  return { ...access, rows, total, page, pageSize: POLICY_PAGE_SIZE, q, sort };
}

/** The add and edit forms: system defaults for the placeholders, and the policy when editing. */
export async function loadPolicyForm(projectName: string, policyIdText?: string) {
  return policyForm(await webhookAccess(projectName, "webhook.manage"), policyIdText);
}

export async function loadInstancePolicyForm(policyIdText?: string) {
  return policyForm(await instanceAccess("webhook.manage"), policyIdText);
}

async function policyForm<A extends PageAccess>(access: A, policyIdText?: string) {
  const settings = await getSettings();
  let policy: ReturnType<typeof toHarborPolicy> | null = null;
  if (policyIdText !== undefined) {
    const row = await findPolicy(webhookScopeId(access.access), rowIdOrNotFound(policyIdText));
    if (!row) notFound();
    policy = toHarborPolicy(row, { showSecretsMasked: access.seeSecrets });
  }
  return {
    ...access,
    policy,
    defaults: { maxAttempts: settings.maxAttempts, timeoutSeconds: settings.httpTimeoutMs / 1000 },
    signingOverlapHours: settings.signingOverlapHours,
  };
}

/**
 * An id from the URL, or the 404 page. Parsed with the one row-id schema, so an id no row can have
 * (beyond PostgreSQL's 32-bit integer, say) is a 404 and never reaches a query.
 */
function rowIdOrNotFound(text: string): number {
  const id = parseRowId(text);
  if (id === undefined) notFound();
  return id;
}

async function policyOrNotFound(projectId: number | null, policyIdText: string) {
  const policy = await findPolicy(projectId, rowIdOrNotFound(policyIdText));
  if (!policy) notFound();
  return policy;
}

/** Signing keys as metadata only: when the current key was made, until when older ones still sign. */
async function signingKeyInfo(policyId: number) {
  const db = await getDb();
  const keys = await db.signingKey.findMany({
    where: { policyId },
    orderBy: { createdAt: "desc" },
    select: { createdAt: true, expiresAt: true },
  });
  const now = new Date();
  const older = keys.slice(1).filter((k) => k.expiresAt && k.expiresAt > now);
  return {
    currentSince: keys[0]?.createdAt ?? null,
    previousValidUntil: older.length ? new Date(Math.max(...older.map((k) => k.expiresAt!.getTime()))) : null,
  };
}

export async function loadPolicyDetail(projectName: string, policyIdText: string, sp: SearchParams) {
  return policyDetail(await webhookAccess(projectName, "webhook.read"), policyIdText, sp);
}

export async function loadInstancePolicyDetail(policyIdText: string, sp: SearchParams) {
  return policyDetail(await instanceAccess("webhook.read"), policyIdText, sp);
}

async function policyDetail<A extends PageAccess>(access: A, policyIdText: string, sp: SearchParams) {
  const policy = await policyOrNotFound(webhookScopeId(access.access), policyIdText);
  const settings = await getSettings();
  const page = pageParam(sp);
  const filters = executionFilterParams(sp);
  const { total, items } = await listExecutions(policy.id, { page, pageSize: EXECUTION_PAGE_SIZE, ...filters });
  const redelivered = await redeliveredAfter(items.flatMap((e) => e.tasks.map((t) => t.id)));
  const names = await projectNames(items.map((e) => e.event.projectId));
  const executions = items.map((e) => ({
    id: e.id,
    targetType: e.target.type,
    status: e.status,
    statusMessage: e.statusMessage,
    eventType: e.eventType,
    trigger: e.trigger,
    startTime: e.startTime,
    endTime: e.endTime,
    attempts: executionRunText(e.tasks, redelivered),
    targetAddress: shownAddress(e.target.address, access.seeSecrets),
    payload: executionPayload(e.event),
    event: {
      id: e.event.id,
      projectName: eventProject(e.event, names).name,
      repository: e.event.repository,
      tag: e.event.tag,
      digest: e.event.digest,
    },
  }));
  return {
    ...access,
    policy: {
      id: policy.id,
      name: policy.name,
      description: policy.description,
      enabled: policy.enabled,
      creator: policy.creator,
      createdAt: policy.createdAt,
      updatedAt: policy.updatedAt,
      eventTypes: policyEventTypes(policy),
      repoPattern: policy.repoPattern,
      tagPattern: policy.tagPattern,
      groupingWindowSeconds: policy.groupingWindowSeconds,
      instanceWide: policy.projectId === null,
      projectPattern: policy.projectPattern,
      conditions: describeConditions(parseStoredConditions(policy.conditions)),
      retry: {
        maxAttempts: policy.maxAttempts ?? settings.maxAttempts,
        maxAttemptsOverridden: policy.maxAttempts != null,
        timeoutMs: policy.timeoutMs ?? settings.httpTimeoutMs,
        timeoutOverridden: policy.timeoutMs != null,
        backoffBaseMs: policy.backoffBaseMs,
      },
      targets: policy.targets.map((t) => ({
        ...targetView(t, access.seeSecrets),
        skipCertVerify: t.skipCertVerify,
        authHeaderSet: access.seeSecrets ? !!t.authHeaderEnc : undefined,
      })),
    },
    signing: access.seeSecrets ? await signingKeyInfo(policy.id) : null,
    signingOverlapHours: settings.signingOverlapHours,
    executions,
    total,
    page,
    pageSize: EXECUTION_PAGE_SIZE,
    filters,
    eventTypeChoices: eventTypesFor(policy.projectId === null),
    refreshing: anyOpen(executions.map((e) => e.status)),
    stats: statsView(await deliveryStats(rangeParam(sp), { policyId: policy.id }), access.seeSecrets),
    alerts: {
      rows: await recentAlerts(policy.id, { showRecipients: access.manage }),
      emailable: alertsEmailable(settings),
      digestEveryMs: env().ALERT_DIGEST_INTERVAL_MS,
    },
  };
}

async function executionOrNotFound(policyId: number, executionIdText: string) {
  const execution = await getExecution(policyId, rowIdOrNotFound(executionIdText));
  if (!execution) notFound();
  return execution;
}

export async function loadExecutionDetail(projectName: string, policyIdText: string, executionIdText: string) {
  return executionDetail(await webhookAccess(projectName, "webhook.read"), policyIdText, executionIdText);
}

export async function loadInstanceExecutionDetail(policyIdText: string, executionIdText: string) {
  return executionDetail(await instanceAccess("webhook.read"), policyIdText, executionIdText);
}

async function executionDetail<A extends PageAccess>(access: A, policyIdText: string, executionIdText: string) {
  const policy = await policyOrNotFound(webhookScopeId(access.access), policyIdText);
  const execution = await executionOrNotFound(policy.id, executionIdText);
  // The event's project: the page's own, or any project for an instance-wide webhook.
  const project = eventProject(execution.event, await projectNames([execution.event.projectId]));
  const tasks = await Promise.all(execution.tasks.map((t) => getTask(policy.id, t.id, execution.id)));
  const redelivered = await redeliveredAfter(execution.tasks.map((t) => t.id));
  const taskViews = tasks
    .filter((t) => t !== null)
    .map((t) => ({
      id: t.id,
      webhookId: t.webhookId,
      status: t.status,
      statusMessage: t.statusMessage,
      runCount: t.runCount,
      maxAttempts: t.maxAttempts,
      runs: taskRunText(t, redelivered),
      nextAttemptAt: t.status === "Pending" ? t.nextAttemptAt : null,
      startTime: t.startTime,
      endTime: t.endTime,
      request: taskRequestBody(execution.event, execution.target, {
        webhookId: t.webhookId,
        projectId: project.id,
        policyId: policy.id,
        executionId: execution.id,
        externalUrl: env().EXTERNAL_URL,
        projectName: project.name,
        policyName: policy.name,
        instanceWide: policy.projectId === null,
      }),
      attempts: t.attempts.map((a) => ({
        id: a.id,
        number: a.number,
        startedAt: a.startedAt,
        durationMs: a.durationMs,
        responseStatus: a.responseStatus,
        responseExcerpt: a.responseExcerpt,
        error: a.error,
        headers: attemptHeaders(a.requestHeaders, { showAuthHeader: access.seeSecrets }),
      })),
    }));
  return {
    ...access,
    policy: { id: policy.id, name: policy.name },
    execution: {
      id: execution.id,
      vendorType: execution.vendorType,
      status: execution.status,
      statusMessage: execution.statusMessage,
      eventType: execution.eventType,
      trigger: execution.trigger,
      startTime: execution.startTime,
      endTime: execution.endTime,
      target: {
        type: execution.target.type,
        address: shownAddress(execution.target.address, access.seeSecrets),
        payloadFormat: execution.target.payloadFormat,
      },
      event: {
        id: execution.event.id,
        projectName: project.name,
        source: execution.event.source,
        requestId: execution.event.requestId,
        operator: execution.event.operator,
      },
    },
    metrics: taskMetrics(execution.tasks),
    tasks: taskViews,
    refreshing: anyOpen([execution.status, ...execution.tasks.map((t) => t.status)]),
  };
}

/** The project's event search: recent events filtered by what they are about, with their delivery summary. */
export async function loadEventsPage(projectName: string, sp: SearchParams) {
  const access = await webhookAccess(projectName, "webhook.read");
  const page = pageParam(sp);
  const filters = eventSearchParams(sp);
  const { total, items } = await listEvents(access.project.id, filters, { page, pageSize: EVENT_PAGE_SIZE });
  return {
    ...access,
    events: items.map((e) => ({
      id: e.id,
      type: e.type,
      occurAt: new Date(Number(e.occurAt) * 1000),
      operator: e.operator,
      repository: e.repository,
      tag: e.tag,
      digest: e.digest,
      createdAt: e.createdAt,
      deliveries: e.deliveries,
    })),
    total,
    totalCapped: total > EVENT_COUNT_LIMIT,
    page,
    pageSize: EVENT_PAGE_SIZE,
    filters,
    eventTypeChoices: EVENT_TYPES,
  };
}

/** One event and everything that happened to it across the project's webhooks; another project's event is a 404. */
export async function loadEventPage(projectName: string, eventIdText: string, sp: SearchParams = {}) {
  const access = await webhookAccess(projectName, "webhook.read");
  const page = pageParam(sp);
  const found = await getEventDeliveries(access.project.id, rowIdOrNotFound(eventIdText), {
    page,
    pageSize: EVENT_DELIVERIES_PAGE_SIZE,
  });
  if (!found) notFound();
  const { event, executions, deliveries } = found;
  return {
    ...access,
    event: {
      id: event.id,
      type: event.type,
      occurAt: new Date(Number(event.occurAt) * 1000),
      operator: event.operator,
      repository: event.repository,
      tag: event.tag,
      digest: event.digest,
      source: event.source,
      requestId: event.requestId,
      createdAt: event.createdAt,
      payload: executionPayload(event),
    },
    deliveries,
    page,
    pageSize: EVENT_DELIVERIES_PAGE_SIZE,
    executions: executions.map((x) => ({
      id: x.id,
      policy: x.policy,
      target: { type: x.target.type, address: x.target.address },
      vendorType: x.vendorType,
      status: x.status,
      statusMessage: x.statusMessage,
      trigger: x.trigger,
      startTime: x.startTime,
      endTime: x.endTime,
      tasks: x.tasks.map((t) => {
        const last = t.attempts[0];
        return {
          id: t.id,
          webhookId: t.webhookId,
          status: t.status,
          runCount: t.runCount,
          maxAttempts: t.maxAttempts,
          lastResponse: last
            ? {
                at: last.startedAt,
                status: last.responseStatus,
                excerpt: last.responseExcerpt,
                error: last.error,
              }
            : null,
        };
      }),
    })),
    refreshing: deliveries.open > 0,
  };
}

export async function loadTaskLog(
  projectName: string,
  policyIdText: string,
  executionIdText: string,
  taskIdText: string,
) {
  return taskLog(await webhookAccess(projectName, "webhook.read"), policyIdText, executionIdText, taskIdText);
}

export async function loadInstanceTaskLog(policyIdText: string, executionIdText: string, taskIdText: string) {
  return taskLog(await instanceAccess("webhook.read"), policyIdText, executionIdText, taskIdText);
}

async function taskLog<A extends PageAccess>(
  access: A,
  policyIdText: string,
  executionIdText: string,
  taskIdText: string,
) {
  const policy = await policyOrNotFound(webhookScopeId(access.access), policyIdText);
  const execution = await executionOrNotFound(policy.id, executionIdText);
  const taskId = rowIdOrNotFound(taskIdText);
  const task = execution.tasks.find((t) => t.id === taskId);
  if (!task) notFound();
  const text = (await taskLogText(policy.id, task.id, execution.id)) ?? "";
  return {
    ...access,
    policy: { id: policy.id, name: policy.name },
    execution: { id: execution.id },
    task: { id: task.id, status: task.status, runCount: task.runCount },
    text,
    refreshing: anyOpen([task.status]),
  };
}

export async function loadSettingsPage() {
  await pageSysadmin("settings.manage");
  const settings = await getSettings();
  const config = env();
  const url = registryNotificationUrl(config.EXTERNAL_URL, requestOrigin(await headers()));
  const view: SettingsView = {
    webhooksEnabled: settings.webhooksEnabled,
    maxAttempts: settings.maxAttempts,
    httpTimeoutSeconds: settings.httpTimeoutMs / 1000,
    allowedNetworks: settings.allowedNetworks,
    retentionCount: settings.retentionCount,
    retentionDays: settings.retentionDays,
    auditRetentionDays: settings.auditRetentionDays,
    destinationLimit: settings.destinationLimit,
    signingOverlapHours: settings.signingOverlapHours,
    skippedEvents: settings.skippedEvents,
    registryTokenSet: !!settings.registryTokenEnc,
    smtpHost: settings.smtpHost,
    smtpPort: settings.smtpPort,
    smtpTlsMode: settings.smtpTlsMode,
    smtpUser: settings.smtpUser,
    smtpFrom: settings.smtpFrom,
    smtpPasswordSet: !!settings.smtpPasswordEnc,
    updatedAt: settings.updatedAt,
  };
  return {
    settings: view,
    envAllowedNetworks: config.ALLOWED_NETWORKS.trim(),
    envRegistryTokenSet: !!config.REGISTRY_NOTIFICATION_TOKEN,
    envSmtpUrlSet: !!config.SMTP_URL,
    notificationUrl: url,
    notificationUrlWarning: unreachableUrlWarning(url),
    registrySnippet: registryConfigSnippet(url),
    tokenPlaceholder: TOKEN_PLACEHOLDER,
    registryFeed: await readRegistryFeed(),
  };
}

/** The API keys page: a page of the project's keys, newest first. */
export async function loadApiKeysPage(projectName: string, sp: SearchParams) {
  const access = await pageProjectAccess(projectName, "apiKeys.manage");
  const page = pageParam(sp);
  const { total, items } = await listApiKeys(access.project.id, { page, pageSize: API_KEY_PAGE_SIZE });
  return { ...access, keys: items, total, page, pageSize: API_KEY_PAGE_SIZE };
}

/** The project pages' banner while webhooks are off for the whole instance (null while they are on). */
export async function loadWebhooksOffBanner(): Promise<{ skippedEvents: number; sysadmin: boolean } | null> {
  const user = await currentUser();
  if (!user) return null;
  const settings = await getSettings();
  return settings.webhooksEnabled ? null : { skippedEvents: settings.skippedEvents, sysadmin: user.sysadmin };
}

/** The charts' range from `?range=` (1h, 24h, 7d, 30d); 24 h otherwise. */
export function rangeParam(sp: SearchParams): RangeKey {
  const v = one(sp, "range");
  return isRange(v) ? v : "24h";
}

/** The instance dashboard: every webhook's deliveries, for system admins. */
export async function loadDeliveryDashboard(sp: SearchParams) {
  await instanceAccess("webhook.read");
  return deliveryStats(rangeParam(sp));
}
