import { AppError } from "@/lib/errors";
import { logger } from "@/lib/log/logger";

/** What a server action answers to its form: nothing on success, or a safe error naming the field. */
export type ActionResult<T = undefined> =
  { ok: true; data?: T; message?: string } | { ok: false; code: string; message: string; field?: string };

/**
 * An error's message as a form shows it: next to its field, so without the "field: " the APIs put in
 * front, and as a sentence ("member not found" → "Member not found.").
 */
export function formMessage(err: AppError): string {
  const text =
    err.field && err.message.startsWith(`${err.field}: `) ? err.message.slice(err.field.length + 2) : err.message;
  const sentence = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}

/** Runs an action body, turning AppErrors into a result and hiding anything unexpected. */
export async function runAction<T>(body: () => Promise<T>, message?: string): Promise<ActionResult<T>> {
  try {
    const data = await body();
    return { ok: true, data, message };
  } catch (err) {
    if (err instanceof AppError) return { ok: false, code: err.code, message: formMessage(err), field: err.field };
    // next/navigation's redirect() and notFound() throw; let them through.
    if (err && typeof err === "object" && "digest" in err) throw err;
    logger.error({ err }, "server action failed");
    return { ok: false, code: "internal_error", message: "Something went wrong; the details are in the server log." };
  }
}
