import { redirect } from "next/navigation";
import { currentUser } from "@/lib/auth/session";
import { LoginForm } from "@/components/login-form";

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
      <LoginForm initialError={error} callbackUrl={safeCallback(callbackUrl)} />
    </div>
  );
}

/** Only same-site paths, so the sign-in page cannot be used as an open redirect. */
function safeCallback(url?: string): string {
  if (!url) return "/projects";
  try {
    const parsed = new URL(url, "http://x");
    return parsed.origin === "http://x" || url.startsWith("/")
      ? parsed.pathname + parsed.search
      : new URL(url).pathname;
  } catch {
    return "/projects";
  }
}
