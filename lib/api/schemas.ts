import { z } from "zod";
import { ERROR_STATUS } from "@/lib/errors";

/** The error bodies of both APIs, as errorBody (lib/api/error-response.ts) builds them. */

/** /v1: one error, its stable code (lib/errors.ts) and the field at fault. */
export const v1ErrorSchema = z.object({
  error: z.object({
    code: z.enum(Object.keys(ERROR_STATUS) as [keyof typeof ERROR_STATUS, ...(keyof typeof ERROR_STATUS)[]]),
    message: z.string(),
    field: z.string().optional().describe("The request field at fault (dotted path), when there is one."),
  }),
});

/** /api/v2.0: Harbor's shape and codes. */
export const harborErrorSchema = z.object({
  errors: z.array(
    z.object({
      code: z.string().describe("e.g. BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, CONFLICT"),
      message: z.string(),
    }),
  ),
});
