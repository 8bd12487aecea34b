/**
 * Tags created on manifests a repository already held (a retag or a promotion). A registry reports
 * a retag as one more tagged manifest push of a digest it had; it stays a PUSH_ARTIFACT, and when we
 * saw that digest pushed to that repository before, and the tag did not already name it, a
 * TAG_CREATED follows it. What was pushed is kept per project (RegistryManifest: the digests;
 * RegistryTag: the digest each tag names), written once the events are stored; deleting a manifest
 * or a tag removes what it named.
 */
import { retryBusy } from "@/lib/db/busy";
import { rawQuery, rawTransaction, type RawRunner } from "@/lib/db/raw";
import { Prisma } from "@/lib/db/sql";
import type { MappedRegistryEvent } from "@/lib/events/registry";

/** The registry event id of the TAG_CREATED that follows a push (stable across re-posts). */
export const tagCreatedKey = (pushKey: string) => `${pushKey}#tag-created`;

type TaggedPush = NonNullable<MappedRegistryEvent["taggedPush"]>;

/**
 * The events with a TAG_CREATED after each tagged push of a digest the repository held before (an
 * earlier push we stored, or one earlier in this envelope) that the tag did not name already. What
 * this same registry event wrote, re-posted, does not count, so a re-post answers as the first time.
 */
export async function withTagCreations(
  events: MappedRegistryEvent[],
  projectIdOf: (m: MappedRegistryEvent) => number | undefined,
): Promise<MappedRegistryEvent[]> {
  const out: MappedRegistryEvent[] = [];
  const digestsHere = new Map<string, string>();
  const tagsHere = new Map<string, string>();
  for (const m of events) {
    out.push(m);
    const projectId = projectIdOf(m);
    if (!m.taggedPush || projectId === undefined) continue;
    const { repository, digest, tag } = m.taggedPush;
    const digestKey = JSON.stringify([projectId, repository, digest]);
    const tagKey = JSON.stringify([projectId, repository, tag]);
    const earlierDigest = digestsHere.get(digestKey);
    const earlierTag = tagsHere.get(tagKey);
    if (earlierDigest === undefined) digestsHere.set(digestKey, m.dedupeKey);
    tagsHere.set(tagKey, digest);
    const stored = await storedState(projectId, m.taggedPush, m.dedupeKey);
    const held = (earlierDigest !== undefined && earlierDigest !== m.dedupeKey) || stored.digestHeld;
    const alreadyNamed = earlierTag !== undefined ? earlierTag === digest : stored.tagNamesDigest;
    if (held && !alreadyNamed) {
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

/** Whether the repository held the digest, and the tag named it, before this registry event. */
async function storedState(
  projectId: number,
  { repository, digest, tag }: TaggedPush,
  eventKey: string,
): Promise<{ digestHeld: boolean; tagNamesDigest: boolean }> {
  const [manifest] = await rawQuery<{ firstEventKey: string }>(Prisma.sql`
    SELECT "firstEventKey" FROM "RegistryManifest"
    WHERE "projectId" = ${projectId} AND "repository" = ${repository} AND "digest" = ${digest}`);
  const [named] = await rawQuery<{ digest: string; eventKey: string }>(Prisma.sql`
    SELECT "digest", "eventKey" FROM "RegistryTag"
    WHERE "projectId" = ${projectId} AND "repository" = ${repository} AND "tag" = ${tag}`);
  return {
    digestHeld: !!manifest && manifest.firstEventKey !== eventKey,
    tagNamesDigest: !!named && named.digest === digest && named.eventKey !== eventKey,
  };
}

/**
 * Remembers pushed manifests and the digests tags name, and forgets deleted ones, in the envelope's
 * order, in one transaction: one commit per envelope rather than one per statement.
 */
export async function recordManifests(stored: { projectId: number; mapped: MappedRegistryEvent }[]): Promise<void> {
  if (stored.length === 0) return;
  await retryBusy(() => rawTransaction((tx) => recordIn(tx, stored)));
}

async function recordIn(tx: RawRunner, stored: { projectId: number; mapped: MappedRegistryEvent }[]) {
  const now = new Date();
  for (const { projectId, mapped } of stored) {
    const data = mapped.event.event_data as {
      resources?: { digest?: string; tag?: string }[];
      repository?: { repo_full_name?: string };
    };
    const { digest, tag } = data.resources?.[0] ?? {};
    const repository = data.repository?.repo_full_name;
    if (!repository) continue;
    if (mapped.event.type === "PUSH_ARTIFACT" && digest) {
      await tx.execute(Prisma.sql`
        INSERT INTO "RegistryManifest" ("projectId", "repository", "digest", "firstEventKey", "createdAt")
        VALUES (${projectId}, ${repository}, ${digest}, ${mapped.dedupeKey}, ${now})
        ON CONFLICT ("projectId", "repository", "digest") DO NOTHING`);
      if (mapped.taggedPush) {
        await tx.execute(Prisma.sql`
          INSERT INTO "RegistryTag" ("projectId", "repository", "tag", "digest", "eventKey", "updatedAt")
          VALUES (${projectId}, ${repository}, ${mapped.taggedPush.tag}, ${digest}, ${mapped.dedupeKey}, ${now})
          ON CONFLICT ("projectId", "repository", "tag")
          DO UPDATE SET "digest" = excluded."digest", "eventKey" = excluded."eventKey", "updatedAt" = excluded."updatedAt"
          WHERE "RegistryTag"."digest" <> excluded."digest"`);
      }
    } else if (mapped.event.type === "DELETE_ARTIFACT" && digest) {
      await tx.execute(Prisma.sql`
        DELETE FROM "RegistryManifest"
        WHERE "projectId" = ${projectId} AND "repository" = ${repository} AND "digest" = ${digest}`);
      await tx.execute(Prisma.sql`
        DELETE FROM "RegistryTag"
        WHERE "projectId" = ${projectId} AND "repository" = ${repository} AND "digest" = ${digest}`);
    } else if (mapped.event.type === "TAG_DELETED" && tag) {
      await tx.execute(Prisma.sql`
        DELETE FROM "RegistryTag"
        WHERE "projectId" = ${projectId} AND "repository" = ${repository} AND "tag" = ${tag}`);
    }
  }
}
