/**
 * The figures the reliability and security tests report (events, faults, inputs tried, routes ×
 * roles, lost, duplicates). Each test prints its line; they are also appended as JSON lines to
 * $RELIABILITY_FIGURES when set, from which docs/reliability.md's table is updated.
 */
import fs from "node:fs";

export function recordFigure(name: string, values: Record<string, number | string>) {
  const file = process.env.RELIABILITY_FIGURES;
  if (!file) return;
  fs.appendFileSync(
    file,
    JSON.stringify({
      name,
      database: process.env.TEST_DATABASE === "postgres" ? "postgresql" : "sqlite",
      at: new Date().toISOString(),
      ...values,
    }) + "\n",
  );
}
