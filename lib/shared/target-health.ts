import { z } from "zod";
/**
 * A target's health as pages and APIs show it: healthy, failing since its first failure in a row,
 * or paused with the reason and time. From the counters the recorder keeps on WebhookTarget.
 */
export type TargetHealthState = "healthy" | "failing" | "paused";

export type TargetHealthFields = {
  status: string;
  pausedReason: string | null;
  pausedAt: Date | null;
  consecutiveFailures: number;
  firstFailureAt: Date | null;
  lastSuccessAt: Date | null;
  lastFailureReason: string | null;
};

export function targetHealthState(t: Pick<TargetHealthFields, "status" | "consecutiveFailures">): TargetHealthState {
  if (t.status === "paused") return "paused";
  return t.consecutiveFailures > 0 ? "failing" : "healthy";
}

/** The API extension object (`health`), the same in the Harbor-compatible and the Destinations API. */
export function targetHealthJson(t: TargetHealthFields) {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    state: targetHealthState(t),
    failing_since: t.consecutiveFailures > 0 ? iso(t.firstFailureAt) : null,
    consecutive_failures: t.consecutiveFailures,
    last_success_at: iso(t.lastSuccessAt),
    last_failure_reason: t.lastFailureReason,
    paused_reason: t.status === "paused" ? t.pausedReason : null,
    paused_at: t.status === "paused" ? iso(t.pausedAt) : null,
  };
}

export const targetHealthSchema = z
  .object({
    state: z.enum(["healthy", "failing", "paused"]),
    failing_since: z.string().nullable().describe("When the current run of failed deliveries began"),
    consecutive_failures: z.number().int().describe("Deliveries in a row that failed after all retries"),
    last_success_at: z.string().nullable(),
    last_failure_reason: z.string().nullable(),
    paused_reason: z.string().nullable(),
    paused_at: z.string().nullable(),
  })
  .describe("Our extension: the target's delivery health, kept as results are recorded.");
