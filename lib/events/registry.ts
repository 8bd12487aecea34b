import { z } from "zod";
import type { EventType, HarborEvent } from "@/lib/shared/events";
import { firstIssue, MAX_OCCUR_AT, type ParseFailure } from "@/lib/events/types";

// Maps CNCF Distribution registry notifications (registry:2, GitLab, Zot...) to
// Harbor artifact events. Envelope reference:
// https://distribution.github.io/distribution/about/notifications/

export const REGISTRY_ENVELOPE_MEDIA_TYPE = "application/vnd.docker.distribution.events.v1+json";

/**
 * Events one envelope may hold: the work of one request stays bounded (each event is a commit, and
 * fans out to every matching policy). Registries send a few events per envelope; a larger one is
 * refused as a whole (413) before anything is written.
 */
export const MAX_ENVELOPE_EVENTS = 1000;

const MANIFEST_MEDIA_TYPES = new Set([
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
]);
const DOCKER_MANIFEST_PREFIX = "application/vnd.docker.distribution.manifest.";

const ACTION_TO_EVENT_TYPE = new Map<string, EventType>([
  ["push", "PUSH_ARTIFACT"],
  ["pull", "PULL_ARTIFACT"],
  ["delete", "DELETE_ARTIFACT"],
]);

/** Milliseconds since the epoch; registries send nanosecond fractions, which Date.parse need not accept. */
function parseTimestamp(value: string): number {
  return Date.parse(value.replace(/(\.\d{3})\d+/, "$1"));
}

const rfc3339 = z
  .string()
  .refine((value) => !Number.isNaN(parseTimestamp(value)), "must be an RFC 3339 timestamp")
  // An event's occur_at is unix seconds from 1970 to 9999 (the range an RFC 3339 time can say).
  .refine((value) => {
    const seconds = Math.floor(parseTimestamp(value) / 1000);
    return Number.isNaN(seconds) || (seconds >= 0 && seconds <= MAX_OCCUR_AT);
  }, "must be a time from 1970 to 9999");

// Loose everywhere: registries add fields (target.references, source.instanceID...).
const registryEventSchema = z.looseObject({
  id: z.string().min(1),
  timestamp: rfc3339,
  // Not an enum: other actions (e.g. "mount") are ignored, not an error.
  action: z.string(),
  target: z.looseObject({
    mediaType: z.string().optional(),
    size: z.number().optional(),
    digest: z.string().optional(),
    repository: z.string().min(1),
    url: z.string().optional(),
    tag: z.string().optional(),
    // OCI 1.1 artifacts; Distribution 3 also lists the manifest's references (config and layers).
    artifactType: z.string().optional(),
    references: z.array(z.looseObject({ mediaType: z.string().optional() })).optional(),
  }),
  request: z
    .looseObject({
      id: z.string().optional(),
      addr: z.string().optional(),
      host: z.string().optional(),
      method: z.string().optional(),
      useragent: z.string().optional(),
    })
    .optional(),
  actor: z.looseObject({ name: z.string().optional() }).optional(),
  source: z.looseObject({ addr: z.string().optional(), instanceID: z.string().optional() }).optional(),
});

export const registryEnvelopeSchema = z.looseObject({ events: z.array(registryEventSchema) });

/**
 * The envelope's own shape; each event is checked on its own (mapRegistryEnvelope), so one event
 * we cannot read does not refuse the others (the registry would post the envelope again forever).
 */
const envelopeShapeSchema = z.looseObject({ events: z.array(z.unknown()) });

export type RegistryEnvelope = z.infer<typeof registryEnvelopeSchema>;
export type RegistryEvent = z.infer<typeof registryEventSchema>;

export type MappedRegistryEvent = {
  projectName: string;
  requestId?: string;
  event: HarborEvent<EventType>;
  /** The registry's event id: stable across re-posts of the same envelope. */
  dedupeKey: string;
  /** The manifest's media type, its artifact type and its config's media type, as reported. */
  artifactTypes: string[];
  /** A push that names a tag: a TAG_CREATED too when the repository held the digest before. */
  taggedPush?: { repository: string; digest: string; tag: string };
};

export type IgnoredRegistryEvent = { id: string; reason: string };

export type MapRegistryEnvelopeResult =
  | {
      ok: true;
      events: MappedRegistryEvent[];
      ignored: number;
      ignoredReasons: IgnoredRegistryEvent[];
      /** Events that are not valid registry events: skipped, each with the field at fault. */
      invalid: IgnoredRegistryEvent[];
    }
  | ParseFailure;

/** The registry's id of an event we could not read, or its position when it has none. */
function rawEventId(raw: unknown, index: number): string {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === "string" && id.length > 0 ? id.slice(0, 200) : `events.${index}`;
}

export function isManifestMediaType(mediaType: string): boolean {
  const bare = mediaType.split(";")[0]!.trim();
  return bare.startsWith(DOCKER_MANIFEST_PREFIX) || MANIFEST_MEDIA_TYPES.has(bare);
}

/** Host of an absolute URL, or undefined for a relative/invalid one. */
function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).host || undefined;
  } catch {
    return undefined;
  }
}

/** Why the event cannot become a Harbor event, or undefined when it can. */
function ignoreReason(event: RegistryEvent): string | undefined {
  if (!ACTION_TO_EVENT_TYPE.has(event.action)) return `action "${event.action}" is not push, pull or delete`;
  const { mediaType, digest, repository, tag } = event.target;
  // A registry that deletes a tag (Distribution 3) reports the tag without a digest: TAG_DELETED.
  if (!digest && !(event.action === "delete" && tag)) return "no target digest (repository deletion)";
  // Deletions carry no mediaType: the registry reports only the digest.
  if (event.action !== "delete" && !(mediaType && isManifestMediaType(mediaType))) {
    return `not a manifest (mediaType ${mediaType ?? "missing"})`;
  }
  if (!/^[^/]+\/.+/.test(repository)) return `repository "${repository}" has no project segment`;
  // Clients such as containerd HEAD a manifest before they GET it, and the
  // registry reports both as pulls (with different request ids). Harbor counts
  // only the GET as a pull, so do we.
  if (event.action === "pull" && event.request?.method?.toUpperCase() === "HEAD") {
    return "HEAD request (existence check, not a pull)";
  }
  return undefined;
}

/**
 * The media and artifact types a registry event reports: the manifest's, its artifact type, and
 * those of what it references (config and layers: a cosign signature shows as its
 * `application/vnd.dev.cosign.*` layer, an SBOM as its `application/spdx+json` one), each once.
 */
function reportedArtifactTypes(event: RegistryEvent): string[] {
  const { mediaType, artifactType, references = [] } = event.target;
  const all = [mediaType, artifactType, ...references.map((r) => r.mediaType)];
  return [...new Set(all.filter((t): t is string => !!t))];
}

function toHarborEvent(event: RegistryEvent, registryHost: string | undefined): HarborEvent<EventType> {
  const { repository, digest = "", tag } = event.target;
  const slash = repository.indexOf("/");
  const project = repository.slice(0, slash);
  const host = registryHost ?? hostOf(event.target.url) ?? event.request?.host;
  const location = host ? `${host}/${repository}` : repository;
  const tagDeleted = event.action === "delete" && !digest && !!tag;
  return {
    type: tagDeleted ? "TAG_DELETED" : ACTION_TO_EVENT_TYPE.get(event.action)!,
    occur_at: Math.floor(parseTimestamp(event.timestamp) / 1000),
    operator: event.actor?.name ?? "",
    event_data: {
      resources: [
        tagDeleted
          ? { tag, resource_url: `${location}:${tag}` }
          : {
              digest,
              // Harbor's convention: an artifact addressed by digest has the digest as tag.
              tag: tag || digest,
              resource_url: tag ? `${location}:${tag}` : `${location}@${digest}`,
            },
      ],
      repository: {
        name: repository.slice(slash + 1),
        namespace: project,
        repo_full_name: repository,
        repo_type: "private",
      },
    },
  };
}

/**
 * Maps a registry notification envelope to Harbor events. Events that are not
 * about manifests, have no project, are HEAD "pulls", or repeat an earlier
 * event of the same request (same repository, digest, action and request id)
 * are ignored and counted, each with its reason. An event that is not a valid registry event (a
 * missing field, a time outside 1970–9999) is skipped and listed in `invalid` with the field at
 * fault; only an envelope that is not `{events: [...]}` fails as a whole.
 */
export function mapRegistryEnvelope(
  envelope: unknown,
  opts: { registryHost?: string } = {},
): MapRegistryEnvelopeResult {
  const parsed = envelopeShapeSchema.safeParse(envelope);
  if (!parsed.success) return firstIssue(parsed.error);

  // Accept "harbor.example.com" as well as "https://harbor.example.com".
  const registryHost = opts.registryHost ? (hostOf(opts.registryHost) ?? opts.registryHost) : undefined;
  const events: MappedRegistryEvent[] = [];
  const ignoredReasons: IgnoredRegistryEvent[] = [];
  const invalid: IgnoredRegistryEvent[] = [];
  const seen = new Set<string>();
  for (const [index, raw] of parsed.data.events.entries()) {
    const checked = registryEventSchema.safeParse(raw);
    if (!checked.success) {
      const issue = firstIssue(checked.error);
      const field = issue.field === "(root)" ? `events.${index}` : `events.${index}.${issue.field}`;
      invalid.push({ id: rawEventId(raw, index), reason: `${field}: ${issue.message}` });
      continue;
    }
    const registryEvent = checked.data;
    const reason = ignoreReason(registryEvent);
    if (reason) {
      ignoredReasons.push({ id: registryEvent.id, reason });
      continue;
    }
    const requestId = registryEvent.request?.id || undefined;
    if (requestId) {
      const key = JSON.stringify([
        registryEvent.target.repository,
        registryEvent.target.digest ?? `tag:${registryEvent.target.tag}`,
        registryEvent.action,
        requestId,
      ]);
      if (seen.has(key)) {
        ignoredReasons.push({ id: registryEvent.id, reason: "duplicate of an earlier event of the same request" });
        continue;
      }
      seen.add(key);
    }
    events.push({
      projectName: registryEvent.target.repository.split("/")[0]!,
      ...(requestId ? { requestId } : {}),
      event: toHarborEvent(registryEvent, registryHost),
      dedupeKey: registryEvent.id,
      artifactTypes: reportedArtifactTypes(registryEvent),
      ...(registryEvent.action === "push" && registryEvent.target.tag && registryEvent.target.digest
        ? {
            taggedPush: {
              repository: registryEvent.target.repository,
              digest: registryEvent.target.digest,
              tag: registryEvent.target.tag,
            },
          }
        : {}),
    });
  }
  return { ok: true, events, ignored: ignoredReasons.length, ignoredReasons, invalid };
}
