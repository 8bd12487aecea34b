import { describe, expect, it } from "vitest";
import { isManifestMediaType, mapRegistryEnvelope, type MapRegistryEnvelopeResult } from "@/lib/events/registry";
import { parseHarborEvent } from "@/lib/events/types";

const DIGEST = "sha256:fc6cf9fbd4f5bf9b9a59cd4fdb1b2ae58e6a4e47ca3c77d7a9c4a2f6d8bb3f8a";
const MANIFEST_V2 = "application/vnd.docker.distribution.manifest.v2+json";

type Overrides = {
  id?: string;
  action?: string;
  target?: Record<string, unknown>;
  request?: Record<string, unknown>;
  actor?: Record<string, unknown>;
};

// Shaped like the examples of the Distribution notifications documentation.
function registryEvent(overrides: Overrides = {}): Record<string, unknown> {
  return {
    id: overrides.id ?? "asdf-asdf-asdf-asdf-0",
    timestamp: "2024-03-09T14:44:26.402973972-08:00",
    action: overrides.action ?? "push",
    target: {
      mediaType: MANIFEST_V2,
      size: 708,
      digest: DIGEST,
      length: 708,
      repository: "library/alpine",
      url: "https://registry.example.com:5000/v2/library/alpine/manifests/" + DIGEST,
      tag: "3.19",
      ...overrides.target,
    },
    request: {
      id: "req-1",
      addr: "192.168.64.11:42961",
      host: "192.168.100.227:5000",
      method: "PUT",
      useragent: "curl/7.38.0",
      ...overrides.request,
    },
    actor: { name: "alice", ...overrides.actor },
    source: { addr: "xtal.local:5000", instanceID: "a53db899-3b4b-4a62-a067-8dd013beaca4" },
  };
}

function mapOk(events: unknown[], opts: { registryHost?: string } = {}) {
  const result: MapRegistryEnvelopeResult = mapRegistryEnvelope({ events }, opts);
  if (!result.ok) throw new Error(`${result.field}: ${result.message}`);
  return result;
}

describe("mapRegistryEnvelope", () => {
  it("maps a tagged manifest push to one PUSH_ARTIFACT", () => {
    const result = mapOk([registryEvent()]);
    expect(result.ignored).toBe(0);
    expect(result.events).toEqual([
      {
        projectName: "library",
        requestId: "req-1",
        dedupeKey: "asdf-asdf-asdf-asdf-0",
        artifactTypes: [MANIFEST_V2],
        taggedPush: { repository: "library/alpine", digest: DIGEST, tag: "3.19" },
        event: {
          type: "PUSH_ARTIFACT",
          occur_at: 1710024266, // 2024-03-09T22:44:26Z
          operator: "alice",
          event_data: {
            resources: [{ digest: DIGEST, tag: "3.19", resource_url: "registry.example.com:5000/library/alpine:3.19" }],
            repository: {
              name: "alpine",
              namespace: "library",
              repo_full_name: "library/alpine",
              repo_type: "private",
            },
          },
        },
      },
    ]);
  });

  it("produces events that pass the event schema", () => {
    for (const action of ["push", "pull", "delete"]) {
      const [mapped] = mapOk([registryEvent({ action, request: { method: "GET" } })]).events;
      expect(parseHarborEvent(mapped!.event).ok).toBe(true);
    }
  });

  it("uses the digest as tag and an @digest URL for an untagged manifest", () => {
    const [mapped] = mapOk([registryEvent({ target: { tag: undefined } })]).events;
    expect(mapped!.event.event_data.resources).toEqual([
      { digest: DIGEST, tag: DIGEST, resource_url: `registry.example.com:5000/library/alpine@${DIGEST}` },
    ]);
  });

  it("takes the host from opts, then target.url, then request.host", () => {
    const url = (result: ReturnType<typeof mapOk>) =>
      (result.events[0]!.event.event_data.resources as Array<{ resource_url: string }>)[0]!.resource_url;
    expect(url(mapOk([registryEvent()], { registryHost: "harbor.example.com" }))).toBe(
      "harbor.example.com/library/alpine:3.19",
    );
    expect(url(mapOk([registryEvent()], { registryHost: "https://harbor.example.com/" }))).toBe(
      "harbor.example.com/library/alpine:3.19",
    );
    expect(url(mapOk([registryEvent({ target: { url: undefined } })]))).toBe(
      "192.168.100.227:5000/library/alpine:3.19",
    );
    expect(url(mapOk([registryEvent({ target: { url: undefined }, request: { host: undefined } })]))).toBe(
      "library/alpine:3.19",
    );
  });

  it("keeps nested repositories: project is the first segment, name the rest", () => {
    const [mapped] = mapOk([registryEvent({ target: { repository: "team/apps/web" } })]).events;
    expect(mapped!.projectName).toBe("team");
    expect(mapped!.event.event_data.repository).toEqual({
      name: "apps/web",
      namespace: "team",
      repo_full_name: "team/apps/web",
      repo_type: "private",
    });
  });

  it("ignores blob pushes and counts them", () => {
    const blob = registryEvent({
      id: "blob-1",
      target: { mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip", tag: undefined },
    });
    const result = mapOk([blob, registryEvent({ id: "manifest-1" })]);
    expect(result.events.map((e) => e.dedupeKey)).toEqual(["manifest-1"]);
    expect(result.ignored).toBe(1);
    expect(result.ignoredReasons[0]).toMatchObject({ id: "blob-1", reason: expect.stringContaining("not a manifest") });
  });

  it.each([
    "application/vnd.docker.distribution.manifest.v1+prettyjws",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.oci.image.index.v1+json",
  ])("counts %s as a manifest", (mediaType) => {
    expect(isManifestMediaType(mediaType)).toBe(true);
    expect(mapOk([registryEvent({ target: { mediaType } })]).events).toHaveLength(1);
  });

  it("reports a pull repeated within one request once", () => {
    const pull = (id: string) => registryEvent({ id, action: "pull", request: { id: "req-9", method: "GET" } });
    const result = mapOk([pull("e1"), pull("e2")]);
    expect(result.events).toHaveLength(1);
    expect(result.events[0]!.event.type).toBe("PULL_ARTIFACT");
    expect(result.events[0]!.dedupeKey).toBe("e1");
    expect(result.ignored).toBe(1);
  });

  it("does not merge pulls of different requests", () => {
    const result = mapOk([
      registryEvent({ id: "e1", action: "pull", request: { id: "req-1", method: "GET" } }),
      registryEvent({ id: "e2", action: "pull", request: { id: "req-2", method: "GET" } }),
    ]);
    expect(result.events).toHaveLength(2);
  });

  it("ignores the HEAD a client sends before its GET", () => {
    const result = mapOk([
      registryEvent({ id: "head", action: "pull", request: { id: "req-1", method: "HEAD" } }),
      registryEvent({ id: "get", action: "pull", request: { id: "req-2", method: "GET" } }),
    ]);
    expect(result.events.map((e) => e.dedupeKey)).toEqual(["get"]);
    expect(result.ignoredReasons).toEqual([{ id: "head", reason: expect.stringContaining("HEAD") }]);
  });

  it("keeps a delete, which carries a digest but no mediaType", () => {
    const del = registryEvent({
      action: "delete",
      target: { mediaType: undefined, size: undefined, url: undefined, tag: undefined },
      request: { method: "DELETE" },
    });
    const [mapped] = mapOk([del]).events;
    expect(mapped!.event.type).toBe("DELETE_ARTIFACT");
    expect(mapped!.event.event_data.resources).toEqual([
      { digest: DIGEST, tag: DIGEST, resource_url: `192.168.100.227:5000/library/alpine@${DIGEST}` },
    ]);
  });

  it("maps a delete that names a tag without a digest (Distribution 3 tag deletion) to TAG_DELETED", () => {
    const result = mapOk([
      registryEvent({ action: "delete", target: { mediaType: undefined, digest: undefined, size: undefined } }),
    ]);
    expect(result.ignored).toBe(0);
    const [mapped] = result.events;
    expect(mapped!.event.type).toBe("TAG_DELETED");
    expect(mapped!.event.event_data.resources).toEqual([
      { tag: "3.19", resource_url: "registry.example.com:5000/library/alpine:3.19" },
    ]);
    expect(mapped!.taggedPush).toBeUndefined();
    const parsed = parseHarborEvent(mapped!.event);
    expect(parsed.ok).toBe(true);
  });

  it("ignores a delete with neither digest nor tag (repository deletion)", () => {
    const result = mapOk([
      registryEvent({ action: "delete", target: { mediaType: undefined, digest: undefined, tag: undefined } }),
    ]);
    expect(result.events).toHaveLength(0);
    expect(result.ignoredReasons[0]!.reason).toContain("repository deletion");
  });

  it("reports the manifest's media type, artifact type and references' media types for artifact conditions", () => {
    const [mapped] = mapOk([
      registryEvent({
        target: {
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          artifactType: "application/vnd.dev.sigstore.bundle.v0.3+json",
          references: [
            { mediaType: "application/vnd.dev.cosign.simplesigning.v1+json" },
            { mediaType: "application/vnd.oci.image.config.v1+json" },
          ],
        },
      }),
    ]).events;
    expect(mapped!.artifactTypes).toEqual([
      "application/vnd.oci.image.manifest.v1+json",
      "application/vnd.dev.sigstore.bundle.v0.3+json",
      "application/vnd.dev.cosign.simplesigning.v1+json",
      "application/vnd.oci.image.config.v1+json",
    ]);
    // Not part of the payload, which stays Harbor's.
    expect(JSON.stringify(mapped!.event)).not.toContain("sigstore");
  });

  it("ignores a repository without a project segment, with a reason", () => {
    const result = mapOk([registryEvent({ id: "flat", target: { repository: "alpine" } })]);
    expect(result.events).toHaveLength(0);
    expect(result.ignoredReasons).toEqual([{ id: "flat", reason: expect.stringContaining("no project segment") }]);
  });

  it("ignores actions other than push, pull and delete", () => {
    expect(mapOk([registryEvent({ action: "mount" }), registryEvent({ action: "toString" })]).ignored).toBe(2);
  });

  it("uses an empty operator when the actor is anonymous", () => {
    const event = registryEvent();
    delete event.actor;
    expect(mapOk([event]).events[0]!.event.operator).toBe("");
  });

  it("accepts an empty envelope", () => {
    expect(mapOk([])).toMatchObject({ events: [], ignored: 0 });
  });

  it.each([
    ["not an object", "nope", "(root)"],
    ["no events", {}, "events"],
    ["events not a list", { events: {} }, "events"],
  ])("rejects a malformed envelope (%s) naming the field", (_name, envelope, field) => {
    const result = mapRegistryEnvelope(envelope, {});
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.field).toBe(field);
      expect(result.message).toBeTruthy();
    }
  });

  it.each([
    ["event without id", { ...registryEvent(), id: undefined }, "events.1.id", "events.1"],
    ["bad timestamp", { ...registryEvent(), id: "bad-time", timestamp: "yesterday" }, "events.1.timestamp", "bad-time"],
    [
      "after 9999",
      { ...registryEvent(), id: "far", timestamp: "+010000-01-01T00:00:00Z" },
      "events.1.timestamp",
      "far",
    ],
    [
      "before 1970",
      { ...registryEvent(), id: "early", timestamp: "1969-12-31T23:59:59Z" },
      "events.1.timestamp",
      "early",
    ],
    [
      "target without repository",
      { ...registryEvent({ target: { repository: undefined } }), id: "no-repo" },
      "events.1.target.repository",
      "no-repo",
    ],
    ["numeric digest", { ...registryEvent({ target: { digest: 5 } }), id: "num" }, "events.1.target.digest", "num"],
    ["not an object", "push", "events.1", "events.1"],
  ])("skips an invalid event (%s) naming the field, and keeps the others", (_name, bad, field, id) => {
    const good = registryEvent();
    const after = { ...registryEvent({ request: { id: "req-2" } }), id: "after" };
    const result = mapRegistryEnvelope({ events: [good, bad, after] }, {});
    if (!result.ok) throw new Error(`${result.field}: ${result.message}`);
    expect(result.events.map((e) => e.dedupeKey)).toEqual([good.id, "after"]);
    expect(result.invalid).toHaveLength(1);
    expect(result.invalid[0]!.id).toBe(id);
    expect(result.invalid[0]!.reason).toMatch(new RegExp(`^${field.replace(/\./g, "\\.")}: `));
  });

  it("maps a time after 2038 (beyond 32 bits) to its unix seconds", () => {
    const event = { ...registryEvent(), timestamp: "2040-06-01T00:00:00Z" };
    expect(mapOk([event]).events[0]!.event.occur_at).toBe(Date.UTC(2040, 5, 1) / 1000);
  });
});
