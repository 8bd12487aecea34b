import { AppError } from "@/lib/errors";

/** What a span's ERROR status says about an error: its code and message, one line, bounded; never a stack. */
export function errorSummary(err: unknown): string {
  const text =
    err instanceof AppError ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err);
  return (text.split("\n")[0] ?? "").slice(0, 300);
}
