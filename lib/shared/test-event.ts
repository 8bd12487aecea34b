/** The "send a test event" form's input: the event type to send through a policy. */
import { z } from "zod";
import { EVENT_TYPES } from "@/lib/shared/events";

export const testEventSchema = z.object({ eventType: z.enum(EVENT_TYPES, "Choose an event type.") });
