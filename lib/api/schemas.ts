import { z } from "zod";
import { ERROR_STATUS } from "@/lib/errors";

/** The error body of the /v1 API, as errorResponse (lib/api/route.ts) answers it; the codes are lib/errors.ts's. */
export const v1ErrorSchema = z.object({
  error: z.object({
    code: z.enum(Object.keys(ERROR_STATUS) as [keyof typeof ERROR_STATUS, ...(keyof typeof ERROR_STATUS)[]]),
    message: z.string(),
    field: z.string().optional().describe("The request field at fault (dotted path), when there is one."),
  }),
});
