import { redirect } from "next/navigation";
import { currentUser } from "@/lib/auth/session";
import { LoginForm } from "@/components/login-form";
import { env } from "@/lib/config/env";
import { safeCallbackPath } from "@/lib/shared/callback-url";

export const metadata = { title: "Sign in" };

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{ error?: string; callbackUrl?: string }>;
}) {
  if (await currentUser()) redirect("/projects");
  const { error, callbackUrl } = await searchParams;
  return (
    <div className="mx-auto mt-16 max-w-sm">
      <h1 className="mb-6 text-center text-2xl font-semibold">Sign in to Harbor Notifier</h1>
      <LoginForm
        initialError={error}
        callbackUrl={safeCallbackPath(callbackUrl, { baseUrl: env().NEXTAUTH_URL ?? env().EXTERNAL_URL })}
      />
    </div>
  );
}
