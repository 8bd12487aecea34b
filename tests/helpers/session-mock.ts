/**
 * next-auth with getServerSession answering from `signedIn` instead of a request's cookies (there
 * is no request scope in-process). vi.mock is hoisted above the imports, so each test file calls
 * it itself and loads this module inside the factory:
 *
 *   vi.mock("next-auth", async () => (await import("../helpers/session-mock")).nextAuthMock());
 *
 * Without a `signedIn.uid`, route handlers see no session: an anonymous call gets the 401 it gets
 * over HTTP.
 */
import { vi } from "vitest";

export const signedIn: { uid: number | undefined } = { uid: undefined };

export async function nextAuthMock() {
  return {
    ...(await vi.importActual<typeof import("next-auth")>("next-auth")),
    getServerSession: async () => (signedIn.uid ? { uid: signedIn.uid } : null),
  };
}
