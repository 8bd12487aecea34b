import { AppError } from "@/lib/errors";
import { logger } from "@/lib/log/logger";

/** What a server action answers to its form: nothing on success, or a safe error naming the field. */
export type ActionResult<T = undefined> =
  { ok: true; data?: T; message?: string } | { ok: false; code: string; message: string; field?: string };

/** Runs an action body, turning AppErrors into a result and hiding anything unexpected. */
export async function runAction<T>(body: () => Promise<T>, message?: string): Promise<ActionResult<T>> {
  try {
    const data = await body();
    return { ok: true, data, message };
  } catch (err) {
    if (err instanceof AppError) return { ok: false, code: err.code, message: err.message, field: err.field };
    // next/navigation's redirect() and notFound() throw; let them through.
    if (err && typeof err === "object" && "digest" in err) throw err;
    logger.error({ err }, "server action failed");
    return { ok: false, code: "internal_error", message: "Something went wrong; the details are in the server log." };
  }
}
