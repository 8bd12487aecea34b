/**
 * What a chat message says about an event, read once from Harbor's event_data so each chat tool's
 * renderer only lays it out. event_data is loosely typed (newer Harbor versions add fields, older
 * ones omit some): every read is defensive, and a fact with no value is left out.
 */
import { EVENT_LABELS, type HarborEvent } from "@/lib/shared/events";
import { unixSecondsToRfc3339 } from "./cloudevents";

export type Fact = { label: string; value: string };

/** How the event should look: green for success, amber for warnings, red for failures. */
export type Tone = "good" | "warning" | "danger" | "info";

export type ChatFacts = {
  /** e.g. "Artifact pushed: harbor/alpine:3.8" */
  title: string;
  /** e.g. "PUSH_ARTIFACT by admin at 2023-04-03T06:04:53Z" */
  subtitle: string;
  tone: Tone;
  /** Every fact a message shows, in reading order; values are non-empty. */
  facts: Fact[];
  /** ISO 8601 time of the event */
  time: string;
  /** Link to the delivery in our UI, when EXTERNAL_URL is set. */
  link?: string;
};

export type ChatContext = {
  /** EXTERNAL_URL: links point at it; no link without it. */
  externalUrl?: string;
  projectId: number;
  policyId: number;
  /** An instance-wide policy: its pages are the system admin's (/admin/webhooks). */
  instanceWide?: boolean;
  executionId?: number;
};

export const LINK_TITLE = "Open in Harbor Notifier";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === "object" && !Array.isArray(v);
const objAt = (o: unknown, key: string): Obj | undefined => (isObj(o) && isObj(o[key]) ? o[key] : undefined);
const listAt = (o: unknown, key: string): unknown[] => (isObj(o) && Array.isArray(o[key]) ? o[key] : []);

/** A scalar as text ("" for objects, null and absent values). */
function text(o: unknown, key: string): string {
  if (!isObj(o)) return "";
  const v = o[key];
  if (typeof v === "string") return v.trim();
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return "";
}

function push(facts: Fact[], label: string, value: string): void {
  if (value !== "") facts.push({ label, value });
}

/** The link to a delivery (or its policy, before the execution exists) in our UI. */
export function executionLink(ctx: ChatContext): string | undefined {
  if (!ctx.externalUrl) return undefined;
  let base: URL;
  try {
    base = new URL(ctx.externalUrl);
  } catch {
    return undefined;
  }
  if (base.protocol !== "http:" && base.protocol !== "https:") return undefined;
  const root = `${base.origin}${base.pathname.replace(/\/+$/, "")}`;
  const policy = ctx.instanceWide
    ? `${root}/admin/webhooks/${ctx.policyId}`
    : `${root}/projects/${ctx.projectId}/webhooks/${ctx.policyId}`;
  return ctx.executionId === undefined ? policy : `${policy}/executions/${ctx.executionId}`;
}

/** "name:tag" or "name@sha256:…" lines of artifact results, at most `max` of them. */
function artifactList(items: unknown[], max = 10): string {
  const names = items.map((a) => text(a, "name_tag")).filter(Boolean);
  const shown = names.slice(0, max).join(", ");
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

function resourceFacts(data: Obj, facts: Fact[]): string {
  const resources = listAt(data, "resources").filter(isObj);
  const first = resources[0];
  const tag = text(first, "tag");
  const digest = text(first, "digest");
  // Harbor sends the digest as the tag of an untagged artifact: say it once.
  if (tag && tag !== digest) push(facts, "Tag", tag);
  push(facts, "Digest", digest);
  if (resources.length > 1) push(facts, "Artifacts", String(resources.length));
  return tag && tag !== digest ? `:${tag}` : digest ? `@${digest}` : "";
}

type ScanOutcome = { tone: Tone };

function scanFacts(data: Obj, facts: Fact[]): ScanOutcome {
  const first = listAt(data, "resources").find(isObj);
  const reports = Object.values(objAt(first, "scan_overview") ?? {}).filter(isObj);
  const report = reports[0];
  push(facts, "Scan status", text(report, "scan_status"));
  push(facts, "Severity", text(report, "severity"));
  const summary = objAt(report, "summary");
  if (summary) {
    const bySeverity = Object.entries(objAt(summary, "summary") ?? {})
      .filter(([, n]) => typeof n === "number")
      .map(([severity, n]) => `${severity} ${String(n)}`)
      .join(", ");
    const total = text(summary, "total");
    const fixable = text(summary, "fixable");
    if (total)
      push(
        facts,
        "Vulnerabilities",
        `${total} total, ${fixable || "0"} fixable${bySeverity ? ` (${bySeverity})` : ""}`,
      );
  }
  const scanner = objAt(report, "scanner");
  push(facts, "Scanner", [text(scanner, "name"), text(scanner, "version")].filter(Boolean).join(" "));
  const duration = text(report, "duration");
  if (duration) push(facts, "Duration", `${duration} s`);
  const severity = text(report, "severity").toLowerCase();
  const risky = severity === "critical" || severity === "high";
  return { tone: risky ? "danger" : "good" };
}

function endpointText(resource: Obj | undefined): string {
  if (!resource) return "";
  const where = [text(resource, "registry_name"), text(resource, "endpoint")].filter(Boolean).join(" ");
  const ns = text(resource, "namespace");
  return [where, ns && `namespace ${ns}`].filter(Boolean).join(", ");
}

const SUCCESS = /^(success|succeed|succeeded)$/i;

function replicationFacts(data: Obj, facts: Fact[]): { tone: Tone; status: string } {
  const r = objAt(data, "replication");
  const status = text(r, "job_status");
  push(facts, "Status", status);
  push(facts, "Trigger", text(r, "trigger_type"));
  push(facts, "Source", endpointText(objAt(r, "src_resource")));
  push(facts, "Destination", endpointText(objAt(r, "dest_resource")));
  push(facts, "Succeeded", artifactList(listAt(r, "successful_artifact")));
  push(facts, "Failed", artifactList(listAt(r, "failed_artifact")));
  push(facts, "Policy creator", text(r, "policy_creator"));
  return { tone: SUCCESS.test(status) ? "good" : status ? "danger" : "info", status };
}

function retentionFacts(data: Obj, facts: Fact[]): { tone: Tone; project: string; result: string } {
  const r = objAt(data, "retention");
  const result = text(r, "result");
  push(facts, "Result", result);
  const total = text(r, "total");
  const retained = text(r, "retained");
  if (total) push(facts, "Artifacts", `${total} total, ${retained || "0"} retained`);
  push(facts, "Deleted", artifactList(listAt(r, "deleted_artifact")));
  return { tone: SUCCESS.test(result) ? "good" : result ? "danger" : "info", project: text(r, "project_name"), result };
}

const CAUSES: Record<string, string> = {
  failures: "automatically, after deliveries kept failing",
  gone: "the endpoint answered 410 Gone",
  person: "by a person",
  address_changed: "the target's address was changed",
};

/** An operational event (lib/alerts): the webhook and target it is about, their state and why. */
function operationalFacts(type: string, data: Obj, facts: Fact[]): { tone: Tone; subject: string } {
  const webhook = objAt(data, "webhook");
  const target = objAt(data, "target");
  const address = text(target, "address");
  push(facts, "Project", text(objAt(data, "project"), "name"));
  push(facts, "Webhook", `${text(webhook, "name")}${webhook?.instance_wide === true ? " (instance-wide)" : ""}`);
  push(facts, "Target", address);
  push(facts, "State", text(data, "state"));
  push(facts, "Cause", CAUSES[text(data, "cause")] ?? text(data, "cause"));
  push(facts, "Reason", text(data, "reason"));
  const deliveries = objAt(data, "deliveries");
  if (deliveries) {
    push(facts, "Failed deliveries", text(deliveries, "count"));
    push(facts, "First failed at", text(deliveries, "first_failed_at"));
    push(facts, "Last failed at", text(deliveries, "last_failed_at"));
    const ids = listAt(deliveries, "sample_event_ids").filter((id) => typeof id === "number");
    push(facts, "Sample events", ids.join(", "));
  }
  push(facts, "Changed at", text(data, "changed_at"));
  if (type === "webhook.target_paused")
    push(
      facts,
      "Next step",
      "Deliveries to this target wait while it is paused. Once the endpoint works again, resume it: Resume on the webhook's page, or status active in the Destinations API.",
    );
  return { tone: type === "webhook.target_resumed" ? "good" : "danger", subject: address };
}

/** The facts of an event, for every chat rendering. */
export function chatFacts(event: HarborEvent, ctx: ChatContext): ChatFacts {
  const data = isObj(event.event_data) ? event.event_data : {};
  const label = EVENT_LABELS[event.type] ?? event.type;
  const time = unixSecondsToRfc3339(event.occur_at);
  const repository = objAt(data, "repository");
  const repoName = text(repository, "repo_full_name");
  const facts: Fact[] = [];
  let tone: Tone = "info";
  let subject = repoName;

  push(facts, "Project", text(repository, "namespace"));
  push(facts, "Repository", repoName);

  switch (event.type) {
    case "PUSH_ARTIFACT":
    case "PULL_ARTIFACT":
    case "DELETE_ARTIFACT":
      subject += resourceFacts(data, facts);
      tone = event.type === "DELETE_ARTIFACT" ? "warning" : "good";
      break;
    case "QUOTA_EXCEED":
    case "QUOTA_WARNING":
      resourceFacts(data, facts);
      push(facts, "Quota", text(objAt(data, "custom_attributes"), "Details"));
      tone = event.type === "QUOTA_EXCEED" ? "danger" : "warning";
      break;
    case "SCANNING_COMPLETED":
    case "SCANNING_FAILED":
    case "SCANNING_STOPPED": {
      subject += resourceFacts(data, facts);
      const scan = scanFacts(data, facts);
      tone = event.type === "SCANNING_FAILED" ? "danger" : event.type === "SCANNING_STOPPED" ? "warning" : scan.tone;
      break;
    }
    case "REPLICATION": {
      const r = replicationFacts(data, facts);
      tone = r.tone;
      subject = r.status;
      break;
    }
    case "TAG_CREATED":
    case "TAG_DELETED":
      subject += resourceFacts(data, facts);
      tone = event.type === "TAG_DELETED" ? "warning" : "good";
      break;
    case "PROJECT_CREATED":
    case "PROJECT_DELETED": {
      const project = objAt(data, "project");
      subject = text(project, "name");
      push(facts, "Project", subject);
      push(facts, "Project ID", text(project, "project_id"));
      const visibility = project?.public;
      if (typeof visibility === "boolean") push(facts, "Access level", visibility ? "Public" : "Private");
      tone = event.type === "PROJECT_DELETED" ? "warning" : "good";
      break;
    }
    case "webhook.target_paused":
    case "webhook.target_resumed":
    case "webhook.delivery_exhausted": {
      const o = operationalFacts(event.type, data, facts);
      tone = o.tone;
      subject = o.subject;
      break;
    }
    case "TAG_RETENTION": {
      const r = retentionFacts(data, facts);
      facts.unshift(...(r.project ? [{ label: "Project", value: r.project }] : []));
      tone = r.tone;
      subject = r.project ? `${r.project}: ${r.result}` : r.result;
      break;
    }
  }

  push(facts, "Operator", event.operator.trim());
  push(facts, "Time", time);

  const link = executionLink(ctx);
  return {
    title: subject ? `${label}: ${subject}` : label,
    subtitle: `${event.type}${event.operator.trim() ? ` by ${event.operator.trim()}` : ""} at ${time}`,
    tone,
    facts,
    time,
    ...(link ? { link } : {}),
  };
}
