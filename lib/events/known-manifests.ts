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
  const pushes = events.flatMap((m) => {
    const projectId = projectIdOf(m);
    return m.taggedPush && projectId !== undefined ? [{ projectId, ...m.taggedPush }] : [];
  });
  const stored = await storedState(pushes);
  const out: MappedRegistryEvent[] = [];
  const digestsHere = new Map<string, string>();
  const tagsHere = new Map<string, string>();
  for (const m of events) {
    out.push(m);
    const projectId = projectIdOf(m);
    if (!m.taggedPush || projectId === undefined) continue;
    const { repository, digest, tag } = m.taggedPush;
    const digestKey = manifestKey(projectId, repository, digest);
    const tagKey = manifestKey(projectId, repository, tag);
    const earlierDigest = digestsHere.get(digestKey);
    const earlierTag = tagsHere.get(tagKey);
    if (earlierDigest === undefined) digestsHere.set(digestKey, m.dedupeKey);
    tagsHere.set(tagKey, digest);
    // What this same registry event wrote, re-posted, does not count.
    const firstEventKey = stored.manifests.get(digestKey);
    const named = stored.tags.get(tagKey);
    const held =
      (earlierDigest !== undefined && earlierDigest !== m.dedupeKey) ||
      (firstEventKey !== undefined && firstEventKey !== m.dedupeKey);
    const alreadyNamed =
      earlierTag !== undefined ? earlierTag === digest : named?.digest === digest && named.eventKey !== m.dedupeKey;
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

const manifestKey = (projectId: number, repository: string, name: string) =>
  JSON.stringify([projectId, repository, name]);

/**
 * The stored manifests (digest → the registry event that first pushed it) and tags (tag → the
 * digest it names and the event that named it) of an envelope's tagged pushes, in two statements
 * for the whole envelope: a condition per repository, with its digests (or tags) listed.
 */
async function storedState(pushes: ({ projectId: number } & TaggedPush)[]) {
  const manifests = new Map<string, string>();
  const tags = new Map<string, { digest: string; eventKey: string }>();
  if (pushes.length === 0) return { manifests, tags };
  const repositories = new Map<
    string,
    { projectId: number; repository: string; digests: Set<string>; tags: Set<string> }
  >();
  for (const p of pushes) {
    const key = JSON.stringify([p.projectId, p.repository]);
    const r = repositories.get(key) ?? {
      projectId: p.projectId,
      repository: p.repository,
      digests: new Set(),
      tags: new Set(),
    };
    r.digests.add(p.digest);
    r.tags.add(p.tag);
    repositories.set(key, r);
  }
  const where = (column: "digest" | "tag") =>
    Prisma.join(
      [...repositories.values()].map(
        (r) =>
          Prisma.sql`("projectId" = ${r.projectId} AND "repository" = ${r.repository} AND ${Prisma.raw(`"${column}"`)} IN (${Prisma.join([...(column === "digest" ? r.digests : r.tags)])}))`,
      ),
      " OR ",
    );
  const [manifestRows, tagRows] = await Promise.all([
    rawQuery<{ projectId: unknown; repository: string; digest: string; firstEventKey: string }>(
      Prisma.sql`SELECT "projectId", "repository", "digest", "firstEventKey" FROM "RegistryManifest" WHERE ${where("digest")}`,
    ),
    rawQuery<{ projectId: unknown; repository: string; tag: string; digest: string; eventKey: string }>(
      Prisma.sql`SELECT "projectId", "repository", "tag", "digest", "eventKey" FROM "RegistryTag" WHERE ${where("tag")}`,
    ),
  ]);
  for (const r of manifestRows)
    manifests.set(manifestKey(Number(r.projectId), r.repository, r.digest), r.firstEventKey);
  for (const r of tagRows) tags.set(manifestKey(Number(r.projectId), r.repository, r.tag), r);
  return { manifests, tags };
}

/**
 * Remembers pushed manifests and the digests tags name, and forgets deleted ones, in the envelope's
 * order, in one transaction: each run of pushes is two multi-row statements, each deletion its own.
 */
export async function recordManifests(stored: { projectId: number; mapped: MappedRegistryEvent }[]): Promise<void> {
  if (stored.length === 0) return;
  await retryBusy(() => rawTransaction((tx) => recordIn(tx, stored)));
}

type ManifestRow = { projectId: number; repository: string; digest: string; eventKey: string };
type TagRow = ManifestRow & { tag: string };

async function recordIn(tx: RawRunner, stored: { projectId: number; mapped: MappedRegistryEvent }[]) {
  const now = new Date();
  // A run of pushes, folded as the statements one by one would leave it: a manifest keeps the event
  // that first pushed it; a tag names its last digest, with the event that first named it so.
  const manifests = new Map<string, ManifestRow>();
  const tags = new Map<string, TagRow>();
  const flush = async () => {
    if (manifests.size > 0) {
      const rows = [...manifests.values()].map(
        (m) => Prisma.sql`(${m.projectId}, ${m.repository}, ${m.digest}, ${m.eventKey}, ${now})`,
      );
      await tx.execute(Prisma.sql`
        INSERT INTO "RegistryManifest" ("projectId", "repository", "digest", "firstEventKey", "createdAt")
        VALUES ${Prisma.join(rows)}
        ON CONFLICT ("projectId", "repository", "digest") DO NOTHING`);
    }
    if (tags.size > 0) {
      const rows = [...tags.values()].map(
        (t) => Prisma.sql`(${t.projectId}, ${t.repository}, ${t.tag}, ${t.digest}, ${t.eventKey}, ${now})`,
      );
      await tx.execute(Prisma.sql`
        INSERT INTO "RegistryTag" ("projectId", "repository", "tag", "digest", "eventKey", "updatedAt")
        VALUES ${Prisma.join(rows)}
        ON CONFLICT ("projectId", "repository", "tag")
        DO UPDATE SET "digest" = excluded."digest", "eventKey" = excluded."eventKey", "updatedAt" = excluded."updatedAt"
        WHERE "RegistryTag"."digest" <> excluded."digest"`);
    }
    manifests.clear();
    tags.clear();
  };
  for (const { projectId, mapped } of stored) {
    const data = mapped.event.event_data as {
      resources?: { digest?: string; tag?: string }[];
      repository?: { repo_full_name?: string };
    };
    const { digest, tag } = data.resources?.[0] ?? {};
    const repository = data.repository?.repo_full_name;
    if (!repository) continue;
    if (mapped.event.type === "PUSH_ARTIFACT" && digest) {
      const row = { projectId, repository, digest, eventKey: mapped.dedupeKey };
      const key = manifestKey(projectId, repository, digest);
      if (!manifests.has(key)) manifests.set(key, row);
      if (mapped.taggedPush) {
        const tagKey = manifestKey(projectId, repository, mapped.taggedPush.tag);
        if (tags.get(tagKey)?.digest !== digest) tags.set(tagKey, { ...row, tag: mapped.taggedPush.tag });
      }
    } else if (mapped.event.type === "DELETE_ARTIFACT" && digest) {
      await flush();
      await tx.execute(Prisma.sql`
        DELETE FROM "RegistryManifest"
        WHERE "projectId" = ${projectId} AND "repository" = ${repository} AND "digest" = ${digest}`);
      await tx.execute(Prisma.sql`
        DELETE FROM "RegistryTag"
        WHERE "projectId" = ${projectId} AND "repository" = ${repository} AND "digest" = ${digest}`);
    } else if (mapped.event.type === "TAG_DELETED" && tag) {
      await flush();
      await tx.execute(Prisma.sql`
        DELETE FROM "RegistryTag"
        WHERE "projectId" = ${projectId} AND "repository" = ${repository} AND "tag" = ${tag}`);
    }
  }
  await flush();
}
