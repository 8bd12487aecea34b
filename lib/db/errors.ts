/** Prisma's unique-constraint error (P2002), whichever database is behind it. */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: string }).code === "P2002";
}
