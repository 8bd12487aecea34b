/** Who is making a request: a signed-in user (session or HTTP Basic) or a project API key. */
export type Actor =
  | { kind: "user"; userId: number; username: string; sysadmin: boolean }
  | { kind: "apiKey"; keyId: number; projectId: number; mode: "live" | "test"; name: string };

export function actorName(actor: Actor): string {
  return actor.kind === "user" ? actor.username : `api-key:${actor.name || actor.keyId}`;
}
