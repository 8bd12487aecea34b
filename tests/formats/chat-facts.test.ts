import { describe, expect, it } from "vitest";
import { sampleEvent } from "@/lib/events/samples";
import { chatFacts, executionLink } from "@/lib/formats/chat-facts";
import { fitEscaped, truncate } from "@/lib/formats/chat-text";
import { TEST_REPOSITORY, testEvent } from "@/lib/events/test-event";
import { renderPayload } from "@/lib/formats";
import { CHAT_TYPES, EVENT_TYPES, type EventType } from "@/lib/shared/events";

const ctx = { projectId: 2, policyId: 15, executionId: 7 };
const factsOf = (type: EventType) =>
  Object.fromEntries(chatFacts(sampleEvent(type), ctx).facts.map((f) => [f.label, f.value]));

describe("chatFacts", () => {
  it.each(EVENT_TYPES.map((t) => [t]))("%s: non-empty facts, a title naming the event, the time", (type) => {
    const f = chatFacts(sampleEvent(type), ctx);
    expect(f.facts.length).toBeGreaterThan(2);
    for (const fact of f.facts) {
      expect(fact.label).not.toBe("");
      expect(fact.value.trim()).not.toBe("");
    }
    expect(f.title.length).toBeGreaterThan(0);
    expect(f.subtitle).toContain(type);
    expect(f.facts.at(-1)).toEqual({ label: "Time", value: f.time });
    expect(f.link).toBeUndefined();
  });

  it("reads the artifact, the scan, the quota, the replication and the retention", () => {
    expect(factsOf("DELETE_ARTIFACT")).toMatchObject({
      Project: "harbor",
      Repository: "harbor/alpine",
      Tag: "3.8",
      Digest: "sha256:2bb501e6173d9d006e56de5bce2720eb06396803300fe1687b58a7ff32bf4c14",
      Operator: "harbor-jobservice",
    });
    // an untagged artifact's tag is its digest: said once
    expect(factsOf("PUSH_ARTIFACT").Tag).toBeUndefined();
    expect(factsOf("SCANNING_COMPLETED")).toMatchObject({
      "Scan status": "Success",
      Severity: "None",
      Vulnerabilities: "0 total, 0 fixable",
      Scanner: "Trivy v0.37.2",
    });
    expect(factsOf("SCANNING_FAILED")["Scan status"]).toBe("Error");
    expect(factsOf("QUOTA_EXCEED").Quota).toMatch(/exceed the configured upper limit of 10.0 MiB/);
    expect(factsOf("QUOTA_EXCEED").Operator).toBeUndefined(); // "" in the event
    expect(factsOf("REPLICATION")).toMatchObject({
      Status: "Success",
      Trigger: "MANUAL",
      Source: "hub https://hub.docker.com, namespace library",
      Destination: "http://localhost, namespace harbor",
      Succeeded: "alpine [1 item(s) in total]",
    });
    expect(factsOf("TAG_RETENTION")).toMatchObject({
      Project: "harbor",
      Result: "SUCCESS",
      Artifacts: "1 total, 0 retained",
      Deleted: "alpine:3.8",
    });
  });

  it("gives each event a tone", () => {
    expect(chatFacts(sampleEvent("PUSH_ARTIFACT"), ctx).tone).toBe("good");
    expect(chatFacts(sampleEvent("QUOTA_WARNING"), ctx).tone).toBe("warning");
    expect(chatFacts(sampleEvent("QUOTA_EXCEED"), ctx).tone).toBe("danger");
    expect(chatFacts(sampleEvent("SCANNING_FAILED"), ctx).tone).toBe("danger");
    const failed = sampleEvent("REPLICATION");
    (failed.event_data.replication as Record<string, unknown>).job_status = "Failed";
    expect(chatFacts(failed, ctx).tone).toBe("danger");
  });

  it("survives event data of unexpected shapes", () => {
    const odd = {
      type: "PUSH_ARTIFACT" as const,
      occur_at: 0,
      operator: "",
      event_data: { resources: "x", repository: 3 },
    };
    const f = chatFacts(odd, ctx);
    expect(f.title).toBe("Artifact pushed");
    expect(f.facts).toEqual([{ label: "Time", value: "1970-01-01T00:00:00Z" }]);
  });

  it("links to the delivery under EXTERNAL_URL, and only with it", () => {
    expect(executionLink({ ...ctx, externalUrl: "https://hn.example.com/base/" })).toBe(
      "https://hn.example.com/base/projects/2/webhooks/15/executions/7",
    );
    expect(executionLink({ projectId: 2, policyId: 15, externalUrl: "http://hn:3000" })).toBe(
      "http://hn:3000/projects/2/webhooks/15",
    );
    expect(executionLink(ctx)).toBeUndefined();
    expect(chatFacts(sampleEvent("PUSH_ARTIFACT"), { ...ctx, externalUrl: "https://hn.example.com" }).link).toBe(
      "https://hn.example.com/projects/2/webhooks/15/executions/7",
    );
  });
});

describe("truncate and fitEscaped", () => {
  it("cut with an ellipsis, never inside a surrogate pair", () => {
    expect(truncate("abcdef", 6)).toBe("abcdef");
    expect(truncate("abcdef", 4)).toBe("abc…");
    const emoji = "ab😀😀";
    expect(truncate(emoji, 4)).toBe("ab…"); // "ab" + half of 😀 would be a lone surrogate
    expect(truncate(emoji, 5)).toBe("ab😀…");
    for (let max = 1; max < 12; max++) {
      const out = truncate("😀".repeat(10), max);
      expect(out.length).toBeLessThanOrEqual(max);
      expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    }
  });

  it("fitEscaped keeps the escaped form within the limit, without cutting an escape", () => {
    const escape = (t: string) => t.replace(/_/g, "\\_");
    const out = fitEscaped("_".repeat(100), 21, escape);
    expect(out.length).toBeLessThanOrEqual(21);
    expect(out).toMatch(/^(\\_)+…$/);
  });
});

describe("Send test event", () => {
  it.each(CHAT_TYPES.map((t) => [t]))("renders every test event for %s, naming the test repository", (type) => {
    for (const eventType of EVENT_TYPES) {
      const event = testEvent(eventType, { project: "team-a", now: new Date("2026-12-02T10:00:00Z") });
      const { body } = renderPayload({ type, payloadFormat: "Default" }, event, {
        id: "m",
        requestId: "r",
        projectId: 1,
        policyId: 2,
      });
      if (eventType.startsWith("PROJECT_")) expect(body).toContain("team-a");
      else if (eventType !== "REPLICATION" && eventType !== "TAG_RETENTION")
        expect(body).toContain(`team-a/${TEST_REPOSITORY}`);
      expect(body).toContain("2026-12-02T10:00:00Z");
    }
  });
});
