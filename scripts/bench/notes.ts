import type { Row } from "./scenarios";

/** What limits a missed figure and what would fix it, with the run's own evidence. */
export function limitsNote(step: string, missed: Row[], profile: string, detail: string): string {
  return [`### ${step}`, "", ...missed.map((r) => `- ${r.figure}: ${r.value} (target ${r.target}).`), ...(profile ? [profile] : []), ...(detail ? ["", detail] : []), ""].join("\n");
}
