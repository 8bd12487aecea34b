/* eslint-disable @typescript-eslint/no-explicit-any -- the broken samples edit arbitrary event JSON */
// The event catalog: GET /v1/event-types lists every type with a JSON Schema generated from the zod
// schema POST /v1/events validates with; every sample passes both, a broken one fails both and the
// API names the field.
import Ajv2020 from "ajv/dist/2020";
import { describe, expect, it, vi } from "vitest";
import * as eventTypes from "@/app/v1/event-types/route";
import * as events from "@/app/v1/events/route";
import { eventTypeCatalog, type EventTypeEntry } from "@/lib/events/catalog";
import { EVENT_DATA_SCHEMAS, parseHarborEvent } from "@/lib/events/types";
import { ALL_EVENT_TYPES, CLOUDEVENT_TYPES, EVENT_LABELS } from "@/lib/shared/events";
import { makeApiKey, makeProject, makeUser } from "../helpers/fixtures";
import { call, expectV1Error } from "../helpers/http";
import { signedIn } from "../helpers/session-mock";

vi.mock("next-auth", async () => (await import("../helpers/session-mock")).nextAuthMock());

const ajv = new Ajv2020({ strict: false, allErrors: true });
const catalog = eventTypeCatalog();

/** A sample with one field broken, and the field the API must name. */
const BROKEN: Record<string, { mutate: (data: Record<string, any>) => void; field: string }> = {
  TAG_CREATED: { mutate: (d) => delete d.resources[0].tag, field: "event_data.resources.0.tag" },
  TAG_DELETED: { mutate: (d) => (d.resources = []), field: "event_data.resources" },
  PROJECT_CREATED: { mutate: (d) => (d.project.project_id = "two"), field: "event_data.project.project_id" },
  PROJECT_DELETED: { mutate: (d) => delete d.project.name, field: "event_data.project.name" },
  SCANNING_COMPLETED: {
    mutate: (d) => delete d.resources[0].scan_overview,
    field: "event_data.resources.0.scan_overview",
  },
  REPLICATION: { mutate: (d) => (d.replication.override_mode = "yes"), field: "event_data.replication.override_mode" },
};

describe("the event catalog", () => {
  it("lists every event type once, in the UI's order, with label, description and CloudEvents type", () => {
    expect(catalog.map((e) => e.type)).toEqual([...ALL_EVENT_TYPES]);
    for (const e of catalog) {
      expect(e.label).toBe(EVENT_LABELS[e.type]);
      expect(e.cloudevents_type).toBe(CLOUDEVENT_TYPES[e.type]);
      expect(e.description.length).toBeGreaterThan(20);
      expect(e.sample.type).toBe(e.type);
    }
  });

  it.each(catalog.map((e) => [e.type, e] as [string, EventTypeEntry]))(
    "%s: the JSON Schema and the zod schema accept the sample",
    (_type, e) => {
      const validate = ajv.compile(e.schema);
      expect(validate(e.sample.event_data), JSON.stringify(validate.errors)).toBe(true);
      expect(EVENT_DATA_SCHEMAS[e.type].safeParse(e.sample.event_data).success).toBe(true);
      // Operational events are the service's own: POST /v1/events takes a project's types only.
      expect(parseHarborEvent(e.sample)).toMatchObject({ ok: !e.instance_wide_only });
    },
  );

  it.each(Object.entries(BROKEN))("%s: a broken sample fails both schemas, at the same field", (type, broken) => {
    const e = catalog.find((x) => x.type === type)!;
    const sample = structuredClone(e.sample);
    broken.mutate(sample.event_data);
    const validate = ajv.compile(e.schema);
    expect(validate(sample.event_data)).toBe(false);
    const jsonPointers = (validate.errors ?? []).map((err) =>
      [err.instancePath, err.params && "missingProperty" in err.params ? err.params.missingProperty : ""]
        .filter(Boolean)
        .join("/"),
    );
    const dotted = `/${broken.field.replace(/^event_data\./, "").replaceAll(".", "/")}`;
    expect(jsonPointers.map((p) => (p.startsWith("/") ? p : `/${p}`))).toContain(dotted);
    const parsed = parseHarborEvent(sample);
    expect(parsed).toMatchObject({ ok: false, field: broken.field });
  });

  it("the schema keeps event_data open: fields a newer Harbor adds pass", () => {
    for (const e of catalog) {
      const validate = ajv.compile(e.schema);
      expect(validate({ ...e.sample.event_data, sbom_overview: { total: 1 } })).toBe(true);
    }
  });
});

describe("GET /v1/event-types", () => {
  it("answers an API key, a user (HTTP Basic) and the browser's session with the catalog; nobody else", async () => {
    const project = await makeProject();
    const { key } = await makeApiKey(project.id);
    const withKey = await call(eventTypes.GET, { path: "/v1/event-types", key });
    expect(withKey.status).toBe(200);
    expect(withKey.json).toEqual({ data: catalog });

    const { user } = await makeUser();
    const basic = `Basic ${Buffer.from(`${user.username}:password-123`).toString("base64")}`;
    const withUser = await call(eventTypes.GET, { path: "/v1/event-types", auth: basic });
    expect(withUser.status).toBe(200);
    expect((withUser.json as { data: unknown[] }).data).toHaveLength(ALL_EVENT_TYPES.length);

    signedIn.uid = user.id;
    try {
      expect((await call(eventTypes.GET, { path: "/v1/event-types" })).status).toBe(200);
    } finally {
      signedIn.uid = undefined;
    }
    expectV1Error(await call(eventTypes.GET, { path: "/v1/event-types" }), 401, "unauthorized");
  });
});

describe("POST /v1/events validates event_data against the type's schema", () => {
  it.each(Object.entries(BROKEN))("%s: 400 validation_error naming the field", async (type, broken) => {
    const project = await makeProject();
    const { key } = await makeApiKey(project.id);
    const sample = structuredClone(catalog.find((x) => x.type === type)!.sample);
    expect((await call(events.POST, { path: "/v1/events?validate_only=true", key, body: sample })).status).toBe(202);
    broken.mutate(sample.event_data);
    expectV1Error(
      await call(events.POST, { path: "/v1/events", key, body: sample }),
      400,
      "validation_error",
      broken.field,
    );
  });
});
