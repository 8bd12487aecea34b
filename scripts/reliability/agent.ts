// A helper process for the reliability tests (tests/reliability): it does the database work of the
// "web" side on the database DATABASE_URL / DATA_DIR name, with the app's own code.
//   setup '<json>'                      creates a project and its policies; prints one JSON line
//   ingest <projectId> <count|forever> [type] [padding bytes]
//                                       ingests events one by one, printing "accepted <eventId>"
//                                       only after the event's transaction has committed; with
//                                       padding, each event's data carries that many more bytes
import fs from "node:fs";
import type { Actor } from "../../lib/auth/actor";
import { disconnectDb, getDb } from "../../lib/db/client";
import { ingestEvent } from "../../lib/events/ingest";
import { sampleEvent } from "../../lib/events/samples";
import { EVENT_TYPES, type EventType } from "../../lib/shared/events";
import { policyInputSchema } from "../../lib/shared/policy-input";
import { createPolicy } from "../../lib/policies/service";
import { requireProject } from "../../lib/auth/access";

const actor: Actor = { kind: "user", userId: 0, username: "reliability-agent", sysadmin: true };

/** Written synchronously, so a line on stdout means the work before it is done. */
const say = (line: string) => fs.writeSync(1, line + "\n");

type SetupSpec = { project: string; policies: unknown[]; settings?: Record<string, unknown> };

async function setupOne(spec: SetupSpec) {
  const db = await getDb();
  const project = await db.project.create({ data: { name: spec.project } });
  if (spec.settings)
    await db.systemSettings.upsert({ where: { id: 1 }, update: spec.settings, create: { id: 1, ...spec.settings } });
  const policies = [];
  for (const raw of spec.policies) {
    const { policy, signingSecret } = await createPolicy(
      await requireProject(actor, project.id, "webhook.manage"),
      policyInputSchema.parse(raw),
    );
    // The secret too: the log-scanning test looks for it in the worker's output.
    policies.push({ id: policy.id, name: policy.name, targetIds: policy.targets.map((t) => t.id), signingSecret });
  }
  return { projectId: project.id, policies };
}

/** One project, or several (an array of specs, answered with an array). */
async function setup(spec: SetupSpec | SetupSpec[]) {
  if (!Array.isArray(spec)) return say(JSON.stringify(await setupOne(spec)));
  const result = [];
  for (const one of spec) result.push(await setupOne(one));
  say(JSON.stringify(result));
}

async function ingest(projectId: number, count: number, type: EventType, padding = 0) {
  for (let i = 0; i < count; i++) {
    const event = sampleEvent(type);
    (event.event_data as Record<string, unknown>).sequence = i;
    if (padding > 0) (event.event_data as Record<string, unknown>).padding = String(i % 10).repeat(padding);
    const r = await ingestEvent({ projectId, event, source: "api" });
    if (r.status !== "accepted") throw new Error(`event ${i} was not accepted: ${JSON.stringify(r)}`);
    say(`accepted ${r.eventId} ${r.deliveries}`);
  }
  say(`done ${count}`);
}

async function main() {
  const [command, ...args] = process.argv.slice(2);
  if (command === "setup") await setup(JSON.parse(args[0]) as SetupSpec | SetupSpec[]);
  else if (command === "ingest") {
    const type = (args[2] ?? "PUSH_ARTIFACT") as EventType;
    if (!EVENT_TYPES.includes(type)) throw new Error(`unknown event type ${type}`);
    await ingest(
      Number(args[0]),
      args[1] === "forever" ? Number.MAX_SAFE_INTEGER : Number(args[1]),
      type,
      Number(args[3] ?? 0),
    );
  } else throw new Error(`unknown command ${command}; use setup or ingest`);
  await disconnectDb();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
