// Custom payload templates: the presets render for every sample, the json filters embed any text as
// valid JSON, bad templates are refused with their position, and runaway templates stop quickly.
import { describe, expect, it } from "vitest";
import { sampleEvent } from "@/lib/events/samples";
import { SAMPLE_EVENTS, templateProblem } from "@/lib/events/template-check";
import {
  OUTPUT_MAX_BYTES,
  parseTemplate,
  renderCustomPayload,
  SAMPLE_CONTEXT,
  TemplateError,
} from "@/lib/formats/custom";
import { EVENT_TYPES } from "@/lib/shared/events";
import { isJsonContentType, TEMPLATE_MAX_BYTES } from "@/lib/shared/payload-template";
import { TEMPLATE_PRESETS } from "@/lib/shared/template-presets";

const render = (template: string, event = sampleEvent("PUSH_ARTIFACT"), contentType?: string) =>
  renderCustomPayload({ template, contentType }, event, SAMPLE_CONTEXT);

function failure(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (err) {
    if (err instanceof TemplateError) return err;
    throw err;
  }
  throw new Error("expected a TemplateError");
}

describe("presets", () => {
  it.each(TEMPLATE_PRESETS.map((p) => [p.id, p]))("%s renders for every sample event", (_id, preset) => {
    expect(templateProblem(preset.template, preset.contentType)).toBeNull();
    for (const type of EVENT_TYPES) {
      const { body, contentType } = render(preset.template, sampleEvent(type), preset.contentType);
      expect(contentType).toBe(preset.contentType);
      if (isJsonContentType(preset.contentType)) expect(() => JSON.parse(body)).not.toThrow();
      else expect(body).toContain("Time: ");
    }
  });

  it("the Teams preset is an Adaptive Card message with the event's facts and the delivery link", () => {
    const teams = TEMPLATE_PRESETS.find((p) => p.id === "teams")!;
    const msg = JSON.parse(render(teams.template, sampleEvent("DELETE_ARTIFACT")).body);
    const card = msg.attachments[0].content;
    expect(card.type).toBe("AdaptiveCard");
    expect(card.body[0].text).toBe("Artifact deleted: harbor/alpine:3.8");
    expect(card.body[2].facts).toContainEqual({ title: "Tag", value: "3.8" });
    expect(card.actions[0].url).toBe("https://harbor-notifier.example.com/projects/1/webhooks/1/executions/1");
  });
});

describe("the template's context and filters", () => {
  it("sees the Default payload's fields, the project, the policy and the links", () => {
    const { body } = render(
      `{"t": {{ type | json }}, "at": {{ occur_at }}, "op": {{ operator | json }}, "repo": {{ event_data.repository.repo_full_name | json }}, "project": {{ project.name | json }}, "policy": {{ policy.id }}, "link": {{ links.execution | json }}}`,
    );
    expect(JSON.parse(body)).toEqual({
      t: "PUSH_ARTIFACT",
      at: 1680501893,
      op: "harbor-jobservice",
      repo: "harbor/alpine",
      project: "harbor",
      policy: 1,
      link: "https://harbor-notifier.example.com/projects/1/webhooks/1/executions/1",
    });
  });

  it("json and json_escape embed any text as valid JSON; a missing value is null", () => {
    const event = sampleEvent("PUSH_ARTIFACT");
    event.operator = 'quote " backslash \\ newline \n tab \t nul-free <script> \u2028 😀';
    const { body } = render(
      `{"a": {{ operator | json }}, "b": "by {{ operator | json_escape }}", "c": {{ nothing.here | json }}}`,
      event,
    );
    expect(JSON.parse(body)).toEqual({ a: event.operator, b: `by ${event.operator}`, c: null });
  });

  it("a body that is not JSON is refused for a JSON content type, and sent as is for text/plain", () => {
    expect(failure(() => render("hello {{ operator }}")).message).toMatch(/not JSON, which application\/json/);
    expect(render("hello {{ operator }}", undefined, "text/plain").body).toBe("hello harbor-jobservice");
    const plusJson = "application/vnd.example+json; charset=utf-8";
    expect(failure(() => render("not json", undefined, plusJson)).message).toMatch(/not JSON/);
    expect(render("{}", undefined, plusJson)).toEqual({ body: "{}", contentType: plusJson });
  });
});

describe("refused templates", () => {
  it("a syntax error names its line and column", () => {
    const err = failure(() => parseTemplate('{\n  "a": {{ operator | nope }}\n}'));
    expect(err.line).toBe(2);
    expect(err.column).toBe(8);
    expect(err.detail).toBe("line 2, column 8: undefined filter: nope");
    const unclosed = failure(() => parseTemplate("{\n{% if type %}\n}"));
    expect(unclosed.detail).toMatch(/^line 2, column 1: tag \{% if type %\} not closed/);
  });

  it.each([["include"], ["render"], ["layout"]])("the %s tag is refused, and no file is read", (tag) => {
    const err = failure(() => parseTemplate(`{}\n{% ${tag} '/etc/passwd' %}`));
    expect(err.detail).toBe(`line 2, column 1: the ${tag} tag is not available in payload templates`);
  });

  it(`a template over ${TEMPLATE_MAX_BYTES} bytes is refused`, () => {
    const err = failure(() => parseTemplate(`{"a": "${"x".repeat(TEMPLATE_MAX_BYTES)}"}`));
    expect(err.message).toMatch(/16 KiB/);
  });

  it("the save-time check names the sample event a template fails with", () => {
    const problem = templateProblem(`{% if type == "REPLICATION" %}oops{% else %}{}{% endif %}`);
    expect(problem?.eventType).toBe("REPLICATION");
    expect(SAMPLE_EVENTS).toHaveLength(EVENT_TYPES.length);
  });
});

describe("runaway templates are stopped quickly", () => {
  const cases: [string, string][] = [
    ["nested loops", "{% for i in (1..100000000) %}{% for j in (1..100000000) %}x{% endfor %}{% endfor %}"],
    ["a huge range", "{% for i in (1..1000000000) %}{{ i }}{% endfor %}"],
    [
      "doubling a string",
      "{% assign s = 'x' %}{% for i in (1..64) %}{% assign s = s | append: s %}{% endfor %}{{ s }}",
    ],
    [
      "a long output",
      "{% for i in (1..900) %}{% for j in (1..900) %}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx{% endfor %}{% endfor %}",
    ],
  ];
  it.each(cases)("%s", (_name, template) => {
    const started = Date.now();
    const err = failure(() => render(template, undefined, "text/plain"));
    expect(err.message).toMatch(/limit|exceeded|KiB/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it(`a body over ${OUTPUT_MAX_BYTES / 1024} KiB is refused`, () => {
    const err = failure(() =>
      render("{% for i in (1..1000) %}{{ event_data | json }}{% endfor %}", undefined, "text/plain"),
    );
    expect(err.message).toMatch(/KiB|limit/);
  });
});
