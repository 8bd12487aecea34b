import NextAuth from "next-auth";
import { apiRoute } from "@/lib/api/route";
import { authOptions } from "@/lib/auth/options";

/** NextAuth's sign-in, sign-out and session endpoints: public by nature (they are how one signs in). */
const handler = apiRoute({ flavor: "v1", permission: "public" }, async ({ req, params }) =>
  NextAuth(authOptions())(req, { params: Promise.resolve(params) }),
);
export { handler as GET, handler as POST };
