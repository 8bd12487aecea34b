/**
 * What the webhook and settings pages hand their components: the loaders (server) return these
 * shapes, the components (browser) render them, so neither side imports the other.
 */
import type { DeliveryStats } from "@/lib/shared/delivery-stats";
import type { AnyEventType } from "@/lib/shared/events";
import type { ExecutionFilters, PolicySort } from "@/lib/shared/search-params";

/** A policy's target as the pages show it (no secrets). payloadFormat is "" for Slack targets. */
export type TargetView = {
  id: number;
  type: string;
  address: string;
  payloadFormat: string;
  status: string;
  pausedReason: string | null;
  pausedAt: Date | null;
  consecutiveFailures: number;
  firstFailureAt: Date | null;
  lastSuccessAt: Date | null;
  lastFailureReason: string | null;
};

/** The latest execution of a policy, for the "last delivery" column. */
export type LastDeliveryView = {
  id: number;
  status: string;
  startTime: Date;
  endTime: Date | null;
  eventType: string;
};

/** One row of the webhook policy grid. */
export type PolicyRowView = {
  id: number;
  name: string;
  description: string;
  enabled: boolean;
  createdAt: Date;
  creator: string;
  eventTypes: string[];
  targets: TargetView[];
  last: LastDeliveryView | null;
  /** Instance-wide webhooks only: the projects it covers (a glob; null = every project). */
  projectPattern?: string | null;
};

/**
 * An instance-wide webhook that covers a project, as its admins see it: no addresses, no secrets
 * (GET …/webhook/instance-policies and the project's webhooks page).
 */
export type InstanceCoverage = { name: string; enabled: boolean; event_types: string[]; target_types: string[] };

/** The system settings as the settings form edits them (the registry token only as "set or not"). */
export type SettingsView = {
  webhooksEnabled: boolean;
  maxAttempts: number;
  httpTimeoutSeconds: number;
  allowedNetworks: string;
  retentionCount: number;
  retentionDays: number;
  auditRetentionDays: number;
  destinationLimit: number;
  signingOverlapHours: number;
  skippedEvents: number;
  registryTokenSet: boolean;
  /** The SMTP server of email targets; the password only as whether one is stored. */
  smtpHost: string;
  smtpPort: number;
  smtpTlsMode: string;
  smtpUser: string;
  smtpFrom: string;
  smtpPasswordSet: boolean;
  updatedAt: Date;
};

/** Which webhooks a list shows, and how (the project and instance-wide lists share it). */
export type WebhookListView = {
  rows: PolicyRowView[];
  manage: boolean;
  total: number;
  page: number;
  pageSize: number;
  q?: string;
  sort: PolicySort;
  /** The deliveries of the listed webhooks together (a project's list); its range is kept by the list's links. */
  stats?: DeliveryStats;
};

/** One row of a policy's executions. */
export type ExecutionRowView = {
  id: number;
  /** the target's notify type (http, slack, teams, …) */
  targetType: string;
  status: string;
  statusMessage: string;
  eventType: string;
  trigger: string;
  startTime: Date;
  endTime: Date | null;
  /** the run count in words: "3 of 4 attempts", "1 attempt (not retried: …)", "redelivered: attempt 5 (4 before)" */
  attempts: string;
  payload: string;
  /** `projectName`: the project whose event it is (any project, for an instance-wide webhook). */
  event: { id: number; projectName: string; repository: string | null; tag: string | null; digest: string | null };
};

/** A webhook's page: its settings, signing key metadata and a page of its executions. */
export type PolicyDetailView = {
  manage: boolean;
  policy: {
    id: number;
    name: string;
    description: string;
    enabled: boolean;
    creator: string;
    createdAt: Date;
    updatedAt: Date;
    eventTypes: string[];
    repoPattern: string | null;
    tagPattern: string | null;
    /** seconds events of one type and repository are grouped into one delivery; null = off */
    groupingWindowSeconds: number | null;
    /** an instance-wide webhook, and the projects it covers (null = every project) */
    instanceWide: boolean;
    projectPattern: string | null;
    /** the content conditions, one line each (lib/shared/conditions.ts describeConditions) */
    conditions: string[];
    retry: {
      maxAttempts: number;
      maxAttemptsOverridden: boolean;
      timeoutMs: number;
      timeoutOverridden: boolean;
      backoffBaseMs: number | null;
    };
    targets: (TargetView & { skipCertVerify: boolean; authHeaderSet?: boolean })[];
  };
  signing: { currentSince: Date | null; previousValidUntil: Date | null } | null;
  signingOverlapHours: number;
  executions: ExecutionRowView[];
  total: number;
  page: number;
  pageSize: number;
  filters: ExecutionFilters;
  eventTypeChoices: readonly AnyEventType[];
  refreshing: boolean;
  /** Deliveries over the chosen range, from the rollups. */
  stats: DeliveryStats;
  /** What was told about its targets (lib/alerts), newest first; whether alerts can be emailed now. */
  alerts: AlertsView;
};

export type AlertsView = {
  rows: AlertView[];
  emailable: boolean;
  /** at most one digest of a target's failed deliveries per this long (ALERT_DIGEST_INTERVAL_MS) */
  digestEveryMs: number;
};

/** An operator alert as a webhook's page shows it (lib/alerts/list.ts). */
export type AlertView = {
  id: number;
  kind: string;
  /** the target's address, without credentials, query or secret path segment */
  address: string;
  createdAt: Date;
  sentAt: Date | null;
  reason: string;
  operator: string;
  /** deliveries that failed after all retries, counted by a digest (or taken in by a pause) */
  deliveries: number;
  emailStatus: string;
  emailDetail: string;
  /** the addresses emailed; null for those who do not manage the webhook */
  emailedTo: string | null;
  eventId: number | null;
  eventDetail: string;
  /** on the instance's list: the webhook it is about (a destination has no page: href null) */
  webhook?: { name: string; project: string | null; href: string | null };
};

/** An execution's page: its summary, its tasks with the request and every attempt. */
export type ExecutionDetailView = {
  manage: boolean;
  refreshing: boolean;
  policy: { id: number; name: string };
  execution: {
    id: number;
    vendorType: string;
    status: string;
    statusMessage: string;
    eventType: string;
    trigger: string;
    startTime: Date;
    endTime: Date | null;
    target: { type: string; address: string; payloadFormat: string };
    /** `projectName`: the project whose event it is */
    event: { id: number; projectName: string; source: string; requestId: string; operator: string };
  };
  metrics: Record<
    | "task_count"
    | "success_task_count"
    | "error_task_count"
    | "pending_task_count"
    | "running_task_count"
    | "stopped_task_count",
    number
  >;
  tasks: {
    id: number;
    webhookId: string;
    status: string;
    statusMessage: string;
    runCount: number;
    maxAttempts: number;
    runs: string;
    nextAttemptAt: Date | null;
    startTime: Date | null;
    endTime: Date | null;
    request: { body: string; contentType: string } | null;
    attempts: {
      id: number;
      number: number;
      startedAt: Date;
      durationMs: number;
      responseStatus: number | null;
      responseExcerpt: string | null;
      error: string | null;
      headers: [string, string][];
    }[];
  }[];
};

/** A task's log page. */
export type TaskLogPageView = {
  policy: { id: number; name: string };
  execution: { id: number };
  task: { id: number; status: string; runCount: number };
  text: string;
  refreshing: boolean;
};
