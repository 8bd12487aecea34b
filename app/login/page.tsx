import { redirect } from "next/navigation";
import { currentUser } from "@/lib/auth/session";
import { signInMode } from "@/lib/auth/sso/settings";
import { LoginForm, OidcSignInButton } from "@/components/login-form";
import { signInErrorMessage } from "@/lib/shared/sign-in-errors";
import { Notice } from "@/components/ui";
import { env } from "@/lib/config/env";
import { safeCallbackPath } from "@/lib/shared/callback-url";

export const metadata = { title: "Sign in" };

/** The sign-in page of the authentication mode: a password form (database, LDAP) or the provider's button (OIDC). */
export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{ error?: string; callbackUrl?: string }>;
}) {
  if (await currentUser()) redirect("/projects");
  const { error, callbackUrl } = await searchParams;
  const { mode, oidcName } = await signInMode();
  const callback = safeCallbackPath(callbackUrl, { baseUrl: env().NEXTAUTH_URL ?? env().EXTERNAL_URL });
  return (
    <div className="mx-auto mt-16 max-w-sm">
      <h1 className="mb-6 text-center text-2xl font-semibold">Sign in to Harbor Notifier</h1>
      {mode === "oidc" ? (
        <div className="space-y-4">
          {error && (
            <div id="login-error">
              <Notice tone="red">{signInErrorMessage(error)}</Notice>
            </div>
          )}
          <div className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
            <OidcSignInButton name={oidcName} callbackUrl={callback} />
          </div>
          <details className="text-sm text-slate-600">
            <summary className="cursor-pointer">Sign in as the local admin</summary>
            <div className="mt-3">
              <LoginForm callbackUrl={callback} submitLabel="Sign in as local admin" />
            </div>
          </details>
        </div>
      ) : (
        <>
          {mode === "ldap" && (
            <p className="mb-4 text-center text-sm text-slate-600">Use your directory (LDAP) account.</p>
          )}
          <LoginForm
            initialError={error}
            callbackUrl={callback}
            usernameLabel={mode === "ldap" ? "Directory user name" : "Username"}
          />
        </>
      )}
    </div>
  );
}
