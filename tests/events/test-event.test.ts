/* eslint-disable @typescript-eslint/no-explicit-any -- assertions read arbitrary event JSON */
import { describe, expect, it } from "vitest";
import { sampleEvent } from "@/lib/events/samples";
import { registryOf, testEvent, TEST_REPOSITORY } from "@/lib/events/test-event";
import { parseHarborEvent } from "@/lib/events/types";
import { EVENT_TYPES } from "@/lib/shared/events";

const now = new Date("2026-12-01T10:20:30.400Z");
const nowSeconds = Math.floor(now.getTime() / 1000);

describe.each(EVENT_TYPES.map((type) => [type]))("testEvent(%s)", (type) => {
  const event = testEvent(type, { project: "team-a", now, externalUrl: "https://registry.example.com:8443/notifier" });
  const text = JSON.stringify(event);

  it("is a valid event of its type", () => {
    const result = parseHarborEvent(event, now);
    expect(result.ok ? result.event : result).toEqual(event);
    expect(event.type).toBe(type);
  });

  it("names the project's own test repository, never the spec's harbor/alpine", () => {
    expect(text).not.toMatch(/harbor\/alpine|"alpine|"namespace":"harbor"|"project_name":"harbor"/);
    const data = event.event_data as Record<string, any>;
    if (data.repository) {
      expect(data.repository).toMatchObject({
        name: TEST_REPOSITORY,
        namespace: "team-a",
        repo_full_name: `team-a/${TEST_REPOSITORY}`,
      });
    }
    for (const r of data.resources ?? []) {
      if (r.resource_url)
        expect(r.resource_url).toMatch(/^registry\.example\.com:8443\/team-a\/harbor-notifier-test[@:]/);
    }
    if (data.retention)
      expect(data.retention).toMatchObject({ project_name: "team-a", harbor_hostname: "registry.example.com:8443" });
    if (data.replication)
      expect(data.replication.dest_resource).toMatchObject({
        namespace: "team-a",
        endpoint: "https://registry.example.com:8443",
      });
  });

  it("is dated now: occur_at and the dates inside", () => {
    expect(event.occur_at).toBe(nowSeconds);
    expect(text).not.toMatch(/2023-|16805\d{5}/);
    const data = event.event_data as Record<string, any>;
    if (data.repository && "date_created" in data.repository) expect(data.repository.date_created).toBe(nowSeconds);
    for (const r of data.resources ?? []) {
      for (const report of Object.values<any>(r.scan_overview ?? {})) {
        expect(report.end_time).toBe("2026-12-01T10:20:30Z");
        expect(Date.parse(report.start_time)).toBe((nowSeconds - report.duration) * 1000);
      }
    }
    if (data.replication) expect(data.replication.execution_timestamp).toBe(nowSeconds);
  });

  it("leaves the spec example (the golden tests' data) unchanged", () => {
    expect(JSON.stringify(sampleEvent(type))).toMatch(type.startsWith("PROJECT_") ? /"name":"harbor"/ : /alpine/);
  });

  it("names the project for a project event", () => {
    const data = event.event_data as Record<string, any>;
    if (type.startsWith("PROJECT_")) expect(data.project.name).toBe("team-a");
    const withId = testEvent(type, { project: "team-a", projectId: 42, now });
    if (type.startsWith("PROJECT_")) expect((withId.event_data as Record<string, any>).project.project_id).toBe(42);
  });
});

describe("registryOf", () => {
  it("takes the host of EXTERNAL_URL, localhost when unset or unreadable", () => {
    expect(registryOf("https://harbor.example.com/x")).toEqual({
      origin: "https://harbor.example.com",
      host: "harbor.example.com",
    });
    expect(registryOf(undefined)).toEqual({ origin: "http://localhost", host: "localhost" });
    expect(registryOf("not a url")).toEqual({ origin: "http://localhost", host: "localhost" });
    expect(registryOf("javascript:alert(1)")).toEqual({ origin: "http://localhost", host: "localhost" });
  });

  it("defaults resource URLs to localhost", () => {
    const e = testEvent("PUSH_ARTIFACT", { project: "p1", now });
    expect((e.event_data as any).resources[0].resource_url).toMatch(/^localhost\/p1\/harbor-notifier-test@sha256:/);
  });
});
