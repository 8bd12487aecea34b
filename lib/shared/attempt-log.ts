/**
 * An attempt's own task log lines (start, request, result, retry or giving up), kept in its
 * Attempt row's `log` column as JSON `[[epoch ms, level, message], …]` instead of one TaskLog row
 * each. Attempts recorded before that column existed have "" and their lines in TaskLog.
 */
export type LogLine = { at: Date; level: string; message: string };

export function encodeAttemptLog(lines: LogLine[]): string {
  return lines.length ? JSON.stringify(lines.map((l) => [l.at.getTime(), l.level, l.message])) : "";
}

/** The lines of an Attempt row's `log`; none for "" (or a value this code did not write). */
export function decodeAttemptLog(text: string): LogLine[] {
  if (!text) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((entry: unknown) =>
    Array.isArray(entry) && typeof entry[0] === "number" && typeof entry[1] === "string" && typeof entry[2] === "string"
      ? [{ at: new Date(entry[0]), level: entry[1], message: entry[2] }]
      : [],
  );
}
