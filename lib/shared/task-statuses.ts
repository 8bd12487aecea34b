/** The statuses of executions and tasks, as Harbor names them. */
export const TASK_STATUSES = ["Pending", "Running", "Success", "Error", "Stopped"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
/** Statuses that may still change (the UI refreshes while any is shown). */
export const OPEN_STATUSES: readonly TaskStatus[] = ["Pending", "Running"];

export function isTaskStatus(value: unknown): value is TaskStatus {
  return typeof value === "string" && (TASK_STATUSES as readonly string[]).includes(value);
}
