/**
 * PROJECT_CREATED and PROJECT_DELETED, from our own projects API and UI, through the same ingest as
 * any event (the global switch, policies' filters and conditions, history).
 *
 * A project's deletion removes its policies, events and history (foreign keys cascade from the
 * project row). The deletion event is therefore recorded after the project is gone, as an event of
 * no project (Event.projectId null) whose event_data names the project: it survives the deletion,
 * and only policies that outlive the project can receive it.
 */
import { ingestEvent } from "@/lib/events/ingest";
import { logger } from "@/lib/log/logger";
import type { HarborEvent } from "@/lib/shared/events";

export type ProjectFacts = { id: number; name: string; public: boolean };

export function projectEvent(
  type: "PROJECT_CREATED" | "PROJECT_DELETED",
  project: ProjectFacts,
  operator: string,
  now = new Date(),
): HarborEvent {
  return {
    type,
    occur_at: Math.floor(now.getTime() / 1000),
    operator,
    event_data: { project: { project_id: project.id, name: project.name, public: project.public } },
  };
}

/**
 * Records (and queues the deliveries of) a project's creation or deletion, once the change is
 * committed. The change stands whatever happens here: a failure is logged, not answered.
 */
export async function emitProjectEvent(
  type: "PROJECT_CREATED" | "PROJECT_DELETED",
  project: ProjectFacts,
  operator: string,
): Promise<void> {
  try {
    await ingestEvent({
      projectId: type === "PROJECT_DELETED" ? null : project.id,
      event: projectEvent(type, { id: project.id, name: project.name, public: project.public }, operator),
      source: "api",
    });
  } catch (err) {
    logger.error({ err, type, project: project.name }, "the project event could not be recorded");
  }
}
