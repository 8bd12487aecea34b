// The email message: the chat cards' facts as plain text and HTML, every value escaped, a one-line
// subject naming project, event and repository, and the execution's link with EXTERNAL_URL.
import { describe, expect, it } from "vitest";
import { sampleEvent } from "@/lib/events/samples";
import { renderPayload } from "@/lib/formats";
import { chatFacts } from "@/lib/formats/chat-facts";
import { buildEmailMessage, type EmailMessage } from "@/lib/formats/email";
import { EVENT_LABELS, EVENT_TYPES, type HarborEvent } from "@/lib/shared/events";

const ctx = { id: "msg-1", requestId: "req-1", projectId: 2, policyId: 15, executionId: 7 };
const LINKED = { ...ctx, externalUrl: "https://notifier.example.com" };
const LINK = "https://notifier.example.com/projects/2/webhooks/15/executions/7";

function render(event: HarborEvent, context: typeof ctx & { externalUrl?: string } = ctx): EmailMessage {
  const { body, contentType } = renderPayload({ type: "email", payloadFormat: "Default" }, event, context);
  expect(contentType).toBe("application/json");
  return JSON.parse(body) as EmailMessage;
}

const escaped = (text: string) =>
  text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");

describe("email messages of the ten sample events", () => {
  it.each(EVENT_TYPES.map((t) => [t]))("%s: subject, text and HTML carry the chat cards' facts", (type) => {
    const event = sampleEvent(type);
    const message = render(event, LINKED);
    const facts = chatFacts(event, LINKED);

    expect(message.subject).toMatch(/^\[Harbor\] /);
    expect(message.subject).toContain(EVENT_LABELS[type]);
    expect(message.subject).not.toMatch(/[\r\n]/);
    const project = facts.facts.find((f) => f.label === "Project")?.value;
    const repository = facts.facts.find((f) => f.label === "Repository")?.value;
    if (project) expect(message.subject).toContain(`${project}: `);
    if (repository) expect(message.subject).toContain(` in ${repository}`);

    expect(message.text.split("\n")[0]).toBe(facts.title);
    expect(message.html).toContain(`<h2 style="margin:0 0 4px;font-size:18px">${escaped(facts.title)}</h2>`);
    expect(facts.facts.length).toBeGreaterThan(2);
    for (const fact of facts.facts) {
      expect(message.text).toMatch(
        new RegExp(`^${fact.label}: +${fact.value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m"),
      );
      expect(message.html).toContain(`>${escaped(fact.value)}</td>`);
    }
    expect(message.text).toContain(`Open in Harbor Notifier: ${LINK}`);
    expect(message.html).toContain(`<a href="${LINK}"`);
  });

  it("names the project, event and repository: a push to library/alpine", () => {
    const event = sampleEvent("PUSH_ARTIFACT");
    (event.event_data.repository as Record<string, unknown>).namespace = "library";
    (event.event_data.repository as Record<string, unknown>).repo_full_name = "library/alpine";
    expect(render(event).subject).toBe("[Harbor] library: Artifact pushed in library/alpine");
  });

  it("has no link without EXTERNAL_URL", () => {
    const message = render(sampleEvent("PUSH_ARTIFACT"));
    expect(message.text).not.toContain("Open in Harbor Notifier");
    expect(message.html).not.toContain("<a ");
  });
});

describe("hostile values", () => {
  const hostile = () => {
    const event = sampleEvent("PUSH_ARTIFACT");
    const repo = event.event_data.repository as Record<string, unknown>;
    repo.namespace = 'evil"><img src=x onerror=alert(1)>';
    repo.repo_full_name = "evil/<script>alert('x')</script>\r\nBcc: victim@example.com";
    event.operator = "admin & <b>friends</b>";
    return event;
  };

  it("every value is HTML-escaped in the HTML part", () => {
    const { html } = buildEmailMessage(hostile(), ctx);
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<b>friends");
    expect(html).toContain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
    expect(html).toContain("admin &amp; &lt;b&gt;friends&lt;/b&gt;");
    expect(html).toContain("evil&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
  });

  it("the subject stays one line: a CR/LF in a value cannot start a header", () => {
    const { subject } = buildEmailMessage(hostile(), ctx);
    expect(subject).not.toMatch(/[\r\n\t\u0000-\u001f]/);
    expect(subject).toContain("Bcc: victim@example.com"); // as text of the one Subject line
    expect(subject.length).toBeLessThanOrEqual(200);
  });

  it("a very long repository name is cut in the subject", () => {
    const event = sampleEvent("PUSH_ARTIFACT");
    (event.event_data.repository as Record<string, unknown>).repo_full_name = `library/${"a".repeat(500)}`;
    const { subject } = buildEmailMessage(event, ctx);
    expect(subject.length).toBe(200);
    expect(subject.endsWith("…")).toBe(true);
  });
});
