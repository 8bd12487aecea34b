/**
 * The event "Send test event" delivers: the spec's example of the chosen type (lib/events/samples.ts,
 * kept verbatim for the golden tests), moved into the project it is sent from and to the present.
 * It names a repository of its own (`<project>/harbor-notifier-test`), so a receiver that acts on
 * events (deploys, scans, cleanups) cannot mistake it for a real repository of the project, and its
 * dates are now rather than April 2023.
 */
import type { EventType, HarborEvent } from "@/lib/shared/events";
import { sampleEvent } from "@/lib/events/samples";

export const TEST_REPOSITORY = "harbor-notifier-test";

export type TestEventContext = {
  /** the project's name: the repository's namespace */
  project: string;
  /** the project's id, for project events */
  projectId?: number;
  now: Date;
  /** the external URL (EXTERNAL_URL): its host is the registry host in resource URLs; "localhost" when unset */
  externalUrl?: string;
};

/** The registry's origin and host from an external URL, or http://localhost when unset or unreadable. */
export function registryOf(externalUrl: string | undefined): { origin: string; host: string } {
  try {
    const u = new URL(externalUrl ?? "");
    if (u.host && (u.protocol === "http:" || u.protocol === "https:")) return { origin: u.origin, host: u.host };
  } catch {
    // unset or not a URL
  }
  return { origin: "http://localhost", host: "localhost" };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === "object" && !Array.isArray(v);
const isoSeconds = (d: Date) => `${d.toISOString().slice(0, 19)}Z`;

export function testEvent(type: EventType, ctx: TestEventContext): HarborEvent {
  const event = sampleEvent(type, ctx.now);
  const now = Math.floor(ctx.now.getTime() / 1000);
  const { origin, host } = registryOf(ctx.externalUrl);
  const fullName = `${ctx.project}/${TEST_REPOSITORY}`;
  const data = event.event_data as Obj;

  if (isObj(data.repository)) {
    const repo = data.repository;
    repo.name = TEST_REPOSITORY;
    repo.namespace = ctx.project;
    repo.repo_full_name = fullName;
    if ("date_created" in repo) repo.date_created = now;
  }
  if (Array.isArray(data.resources)) {
    for (const r of data.resources) {
      if (!isObj(r)) continue;
      if (typeof r.resource_url === "string") {
        // "localhost/harbor/alpine@sha256:…" or "localhost/harbor/alpine:3.8": keep the reference.
        const ref = r.resource_url.match(/^[^/]+\/[^/]+\/[^@:]+([@:].*)?$/)?.[1] ?? "";
        r.resource_url = `${host}/${fullName}${ref}`;
      }
      if (isObj(r.scan_overview)) {
        for (const report of Object.values(r.scan_overview)) {
          if (!isObj(report)) continue;
          const seconds = typeof report.duration === "number" ? report.duration : 0;
          if ("start_time" in report) report.start_time = isoSeconds(new Date((now - seconds) * 1000));
          if ("end_time" in report) report.end_time = isoSeconds(new Date(now * 1000));
        }
      }
    }
  }
  if (isObj(data.replication)) {
    const rep = data.replication;
    rep.harbor_hostname = host;
    if ("execution_timestamp" in rep) rep.execution_timestamp = now;
    if (isObj(rep.dest_resource)) {
      rep.dest_resource.namespace = ctx.project;
      rep.dest_resource.endpoint = origin;
    }
    if (Array.isArray(rep.successful_artifact))
      for (const a of rep.successful_artifact) if (isObj(a)) a.name_tag = `${TEST_REPOSITORY} [1 item(s) in total]`;
  }
  if (isObj(data.project)) {
    data.project.name = ctx.project;
    if (ctx.projectId !== undefined) data.project.project_id = ctx.projectId;
  }
  if (isObj(data.retention)) {
    const ret = data.retention;
    ret.harbor_hostname = host;
    ret.project_name = ctx.project;
    if (Array.isArray(ret.deleted_artifact))
      for (const a of ret.deleted_artifact) if (isObj(a)) a.name_tag = `${TEST_REPOSITORY}:3.8`;
  }
  return event;
}
