import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { sampleEvent } from "@/lib/events/samples";
import { EVENT_TYPES } from "@/lib/shared/events";
import { parseHarborEvent } from "@/lib/events/types";

const fixturesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "../formats/fixtures");

describe.each(EVENT_TYPES.map((type) => [type]))("sampleEvent(%s)", (type) => {
  it("is the spec's Default example", () => {
    const example = JSON.parse(readFileSync(path.join(fixturesDir, `${type}.default.json`), "utf8"));
    expect(JSON.stringify(sampleEvent(type))).toBe(JSON.stringify(example));
  });

  it("parses as a valid event", () => {
    const result = parseHarborEvent(sampleEvent(type));
    expect(result.ok ? result.event : result).toEqual(sampleEvent(type));
  });

  it("uses now as occur_at and returns a fresh copy", () => {
    const event = sampleEvent(type, new Date("2024-01-01T00:00:00.500Z"));
    expect(event.occur_at).toBe(1704067200);
    event.event_data.mutated = true;
    expect(sampleEvent(type).event_data).not.toHaveProperty("mutated");
  });
});
