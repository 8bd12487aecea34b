/**
 * Tags created on manifests a repository already held (a retag or a promotion). A registry reports
 * a retag as one more tagged manifest push of a digest it had; it stays a PUSH_ARTIFACT, and when we
 * saw that digest pushed to that repository before, a TAG_CREATED follows it. What was pushed is kept
 * per project in RegistryManifest (written once the events are stored; a deleted manifest is removed).
 */
import { rawExecute, rawQuery } from "@/lib/db/raw";
import { Prisma } from "@/lib/db/sql";
import type { MappedRegistryEvent } from "@/lib/events/registry";

/** The registry event id of the TAG_CREATED that follows a push (stable across re-posts). */
export const tagCreatedKey = (pushKey: string) => `${pushKey}#tag-created`;

/**
 * The events with a TAG_CREATED after each tagged push of a digest the repository held before: an
 * earlier push we stored (not this same registry event, re-posted) or an earlier one in this envelope.
 */
export async function withTagCreations(
  events: MappedRegistryEvent[],
  projectIdOf: (m: MappedRegistryEvent) => number | undefined,
): Promise<MappedRegistryEvent[]> {
  const out: MappedRegistryEvent[] = [];
  const inEnvelope = new Map<string, string>();
  for (const m of events) {
    out.push(m);
    const projectId = projectIdOf(m);
    if (!m.taggedPush || projectId === undefined) continue;
    const { repository, digest } = m.taggedPush;
    const key = JSON.stringify([projectId, repository, digest]);
    const earlierHere = inEnvelope.get(key);
    if (earlierHere === undefined) inEnvelope.set(key, m.dedupeKey);
    const held =
      (earlierHere !== undefined && earlierHere !== m.dedupeKey) ||
      (await heldBefore(projectId, repository, digest, m.dedupeKey));
    if (held) {
      out.push({
        ...m,
        event: { ...m.event, type: "TAG_CREATED", event_data: structuredClone(m.event.event_data) },
        dedupeKey: tagCreatedKey(m.dedupeKey),
        taggedPush: undefined,
      });
    }
  }
  return out;
}

async function heldBefore(projectId: number, repository: string, digest: string, pushKey: string): Promise<boolean> {
  const [row] = await rawQuery<{ firstEventKey: string }>(Prisma.sql`
    SELECT "firstEventKey" FROM "RegistryManifest"
    WHERE "projectId" = ${projectId} AND "repository" = ${repository} AND "digest" = ${digest}`);
  return !!row && row.firstEventKey !== pushKey;
}

/** Remembers pushed manifests and forgets deleted ones, in the envelope's order. */
export async function recordManifests(stored: { projectId: number; mapped: MappedRegistryEvent }[]): Promise<void> {
  for (const { projectId, mapped } of stored) {
    const data = mapped.event.event_data as {
      resources?: { digest?: string }[];
      repository?: { repo_full_name?: string };
    };
    const digest = data.resources?.[0]?.digest;
    const repository = data.repository?.repo_full_name;
    if (!digest || !repository) continue;
    if (mapped.event.type === "PUSH_ARTIFACT") {
      await rawExecute(Prisma.sql`
        INSERT INTO "RegistryManifest" ("projectId", "repository", "digest", "firstEventKey", "createdAt")
        VALUES (${projectId}, ${repository}, ${digest}, ${mapped.dedupeKey}, ${new Date()})
        ON CONFLICT ("projectId", "repository", "digest") DO NOTHING`);
    } else if (mapped.event.type === "DELETE_ARTIFACT") {
      await rawExecute(Prisma.sql`
        DELETE FROM "RegistryManifest"
        WHERE "projectId" = ${projectId} AND "repository" = ${repository} AND "digest" = ${digest}`);
    }
  }
}
