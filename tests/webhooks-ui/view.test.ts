import { describe, expect, it } from "vitest";
import { EVENT_TYPES } from "@/lib/shared/events";
import { sampleEvent } from "@/lib/events/samples";
import { renderPayload } from "@/lib/formats";
import {
  anyOpen,
  elapsed,
  eventLabel,
  formatDateTime,
  formatDuration,
  prettyJson,
  statusTone,
} from "@/lib/shared/display";
import {
  attemptCount,
  attemptHeaders,
  executionPayload,
  taskRequestBody,
  toHarborEvent,
} from "@/lib/webhooks-ui/history-view";
import {
  executionFilterParams,
  nameFilterParam,
  nextSort,
  pageParam,
  policySortParam,
  sortString,
} from "@/lib/shared/search-params";
import { testEventSchema } from "@/lib/shared/test-event";
import { registryConfigSnippet, registryNotificationUrl, requestOrigin } from "@/lib/webhooks-ui/registry-config";
import { visibleProjectTabs } from "@/lib/webhooks-ui/project-tabs";

const stored = (type: (typeof EVENT_TYPES)[number]) => {
  const e = sampleEvent(type);
  return {
    type: e.type,
    occurAt: e.occur_at,
    operator: e.operator,
    eventData: JSON.stringify(e.event_data),
    requestId: "req-1",
  };
};

describe("formatting", () => {
  it("dates are UTC with the zone spelled out", () => {
    expect(formatDateTime(new Date("2024-05-01T12:03:04.567Z"))).toBe("2024-05-01 12:03:04 UTC");
    expect(formatDateTime(null)).toBe("—");
  });
  it.each([
    [12, "12 ms"],
    [999.6, "1000 ms"],
    [1234, "1.23 s"],
    [12_345, "12.3 s"],
    [125_000, "2 min 5 s"],
    [120_000, "2 min"],
    [3_600_000, "1 h"],
    [3_690_000, "1 h 1 min"],
    [Number.NaN, "—"],
  ])("duration %s → %s", (ms, text) => expect(formatDuration(ms)).toBe(text));
  it("elapsed needs both ends", () => {
    expect(elapsed(new Date(0), new Date(1500))).toBe("1.50 s");
    expect(elapsed(new Date(0), null)).toBe("—");
  });
  it("pretty-prints JSON and leaves other text alone", () => {
    expect(prettyJson('{"a":[1]}')).toBe('{\n  "a": [\n    1\n  ]\n}');
    expect(prettyJson("not json")).toBe("not json");
  });
  it("labels event types as Harbor does, unknown ones as they are", () => {
    expect(eventLabel("SCANNING_COMPLETED")).toBe("Scanning finished");
    expect(eventLabel("SOMETHING_NEW")).toBe("SOMETHING_NEW");
  });
  it("refreshes while anything is Pending or Running, and only then", () => {
    expect(anyOpen(["Success", "Running"])).toBe(true);
    expect(anyOpen(["Pending"])).toBe(true);
    expect(anyOpen(["Success", "Error", "Stopped"])).toBe(false);
    expect(anyOpen([])).toBe(false);
    expect([statusTone("Success"), statusTone("Error"), statusTone("Pending"), statusTone("Stopped")]).toEqual([
      "green",
      "red",
      "amber",
      "gray",
    ]);
  });
});

describe("history view", () => {
  it.each(EVENT_TYPES)("%s: the execution payload is the Default payload, indented", (type) => {
    const e = sampleEvent(type);
    expect(JSON.parse(executionPayload(stored(type)))).toEqual({
      type,
      occur_at: e.occur_at,
      operator: e.operator,
      event_data: e.event_data,
    });
    expect(executionPayload(stored(type))).toContain('\n  "type"');
  });

  it.each(["Default", "CloudEvents"] as const)(
    "the %s request body is rendered again exactly as the worker sends it",
    (payloadFormat) => {
      const ids = { webhookId: "msg_abc", projectId: 3, policyId: 9 };
      const body = taskRequestBody(stored("PUSH_ARTIFACT"), { type: "http", payloadFormat }, ids)!;
      const sent = renderPayload({ type: "http", payloadFormat }, sampleEvent("PUSH_ARTIFACT"), {
        id: "msg_abc",
        requestId: "req-1",
        projectId: 3,
        policyId: 9,
      });
      expect(JSON.parse(body.body)).toEqual(JSON.parse(sent.body));
      expect(body.contentType).toBe(sent.contentType);
      if (payloadFormat === "CloudEvents")
        expect(JSON.parse(body.body)).toMatchObject({
          id: "msg_abc",
          requestid: "req-1",
          source: "/projects/3/webhook/policies/9",
        });
    },
  );

  it("a Slack task shows the Slack message", () => {
    const body = taskRequestBody(
      stored("PULL_ARTIFACT"),
      { type: "slack", payloadFormat: "Default" },
      { webhookId: "m", projectId: 1, policyId: 1 },
    )!;
    expect(body.body).toContain("Harbor webhook events");
  });

  it("an unreadable stored event is shown raw, never thrown", () => {
    const bad = { ...stored("PUSH_ARTIFACT"), eventData: "{broken" };
    expect(toHarborEvent(bad)).toBeNull();
    expect(executionPayload(bad)).toBe("{broken");
    expect(
      taskRequestBody(bad, { type: "http", payloadFormat: "Default" }, { webhookId: "m", projectId: 1, policyId: 1 }),
    ).toBeNull();
    expect(toHarborEvent({ ...stored("PUSH_ARTIFACT"), type: "NOPE" })).toBeNull();
  });

  it("attempt headers: sorted; the (masked) auth header only for those who may know it is set", () => {
    const headers = JSON.stringify({
      "User-Agent": "x",
      Authorization: "••••••••",
      "Content-Type": "application/json",
    });
    expect(attemptHeaders(headers, { showAuthHeader: true })).toEqual([
      ["Authorization", "••••••••"],
      ["Content-Type", "application/json"],
      ["User-Agent", "x"],
    ]);
    expect(attemptHeaders(headers, { showAuthHeader: false }).map(([k]) => k)).toEqual(["Content-Type", "User-Agent"]);
    expect(attemptHeaders("nonsense", { showAuthHeader: true })).toEqual([]);
  });

  it("counts attempts over an execution's tasks", () => {
    expect(attemptCount([{ runCount: 3 }, { runCount: 1 }])).toBe(4);
  });
});

describe("query parameters", () => {
  it("page and name filter fall back instead of failing", () => {
    expect(pageParam({ page: "3" })).toBe(3);
    expect([
      pageParam({ page: "0" }),
      pageParam({ page: "x" }),
      pageParam({}),
      pageParam({ page: ["2", "5"] }),
    ]).toEqual([1, 1, 1, 2]);
    expect(nameFilterParam({ q: "  ci " })).toBe("ci");
    expect(nameFilterParam({ q: " " })).toBeUndefined();
  });

  it("sort: known columns only, and a header toggles ascending → descending", () => {
    expect(policySortParam({ sort: "-creation_time" })).toEqual({ key: "creation_time", desc: true });
    expect(policySortParam({ sort: "password" })).toBeUndefined();
    expect(sortString({ key: "name", desc: false })).toBe("name");
    expect(nextSort(undefined, "name")).toBe("name");
    expect(nextSort({ key: "name", desc: false }, "name")).toBe("-name");
    expect(nextSort({ key: "name", desc: true }, "name")).toBe("name");
    expect(nextSort({ key: "name", desc: false }, "enabled")).toBe("enabled");
  });

  it("execution filters accept the five statuses and ten event types only", () => {
    expect(executionFilterParams({ status: "Error", event_type: "PUSH_ARTIFACT" })).toEqual({
      status: "Error",
      eventType: "PUSH_ARTIFACT",
    });
    expect(executionFilterParams({ status: "error", event_type: "push" })).toEqual({
      status: undefined,
      eventType: undefined,
    });
  });

  it("test events: one of the ten types", () => {
    expect(testEventSchema.safeParse({ eventType: "TAG_RETENTION" }).success).toBe(true);
    expect(testEventSchema.safeParse({ eventType: "DROP_TABLE" }).success).toBe(false);
  });
});

describe("registry configuration", () => {
  const h = (o: Record<string, string>) => ({ get: (k: string) => o[k] ?? null });
  it("EXTERNAL_URL wins over the request's origin", () => {
    expect(registryNotificationUrl("https://notifier.example.com/", "http://127.0.0.1:3000")).toBe(
      "https://notifier.example.com/service/notifications",
    );
    expect(registryNotificationUrl(undefined, "http://127.0.0.1:3000")).toBe(
      "http://127.0.0.1:3000/service/notifications",
    );
  });
  it("the origin comes from Host or a proxy's X-Forwarded-* headers; nonsense falls back", () => {
    expect(requestOrigin(h({ host: "127.0.0.1:3100" }))).toBe("http://127.0.0.1:3100");
    expect(
      requestOrigin(
        h({ host: "internal:3000", "x-forwarded-host": "hooks.example.com", "x-forwarded-proto": "https" }),
      ),
    ).toBe("https://hooks.example.com");
    expect(requestOrigin(h({ host: "evil.com/<script>" }), "http://fallback")).toBe("http://fallback");
  });
  it("the snippet is a notifications section with the URL and a bearer token placeholder", () => {
    const yaml = registryConfigSnippet("https://n.example/service/notifications");
    expect(yaml.startsWith("notifications:\n")).toBe(true);
    expect(yaml).toContain("      url: https://n.example/service/notifications\n");
    expect(yaml).toContain("Authorization: [Bearer <your registry notification token>]");
  });
});

describe("project tabs", () => {
  const slugs = (role: Parameters<typeof visibleProjectTabs>[0]) => visibleProjectTabs(role).map((t) => t.slug);
  it("each role sees the sections its permissions open, and nobody sees a tab it cannot open", () => {
    expect(slugs("sysadmin")).toEqual(["webhooks", "events", "members", "api-keys"]);
    expect(slugs("projectAdmin")).toEqual(["webhooks", "events", "members", "api-keys"]);
    expect(slugs("maintainer")).toEqual(["webhooks", "events", "members"]);
    expect(slugs("developer")).toEqual(["members"]);
    expect(slugs("guest")).toEqual(["members"]);
    expect(slugs(undefined)).toEqual([]);
  });
  it("hands the component labels only, not the permission table", () => {
    expect(visibleProjectTabs("maintainer")).toEqual([
      { slug: "webhooks", label: "Webhooks" },
      { slug: "events", label: "Events" },
      { slug: "members", label: "Members" },
    ]);
  });
});
