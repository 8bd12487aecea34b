import NextAuth from "next-auth";
import { apiRoute } from "@/lib/api/route";
import { signInOptions } from "@/lib/auth/options";
import { guardSignInRequest } from "@/lib/auth/sign-in-request";

/**
 * NextAuth's sign-in, sign-out and session endpoints: public by nature (they are how one signs
 * in). Oversized bodies and user names are refused before next-auth reads anything. The options
 * are built per request: the OpenID provider comes from the authentication settings.
 */
const handler = apiRoute({ flavor: "v1", permission: "public" }, async ({ req, params }) =>
  NextAuth(await signInOptions())(await guardSignInRequest(req), { params: Promise.resolve(params) }),
);
export { handler as GET, handler as POST };
