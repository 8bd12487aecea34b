export const TASK_STATUSES = ["Pending", "Running", "Success", "Error", "Stopped"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
/** Statuses that may still change (the UI refreshes while any is shown). */
export const OPEN_STATUSES: readonly TaskStatus[] = ["Pending", "Running"];
