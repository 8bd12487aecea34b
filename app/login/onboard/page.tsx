import { redirect } from "next/navigation";
import { OnboardForm } from "@/components/onboard-form";
import { readOnboardingTicket } from "@/lib/auth/sso/onboarding-ticket";
import { signInMode } from "@/lib/auth/sso/settings";

export const metadata = { title: "Choose a user name" };

/** The first OIDC sign-in without auto-onboard: the person chooses the user name of their account. */
export default async function OnboardPage({ searchParams }: { searchParams: Promise<{ ticket?: string }> }) {
  const { ticket = "" } = await searchParams;
  const profile = readOnboardingTicket(ticket);
  if (!profile) redirect("/login?error=OnboardingExpired");
  const { oidcName } = await signInMode();
  return (
    <div className="mx-auto mt-16 max-w-sm">
      <h1 className="mb-2 text-center text-2xl font-semibold">Welcome to Harbor Notifier</h1>
      <p className="mb-6 text-center text-sm text-slate-600">
        You signed in with {oidcName}. Choose the user name of your account here.
      </p>
      <OnboardForm ticket={ticket} suggested={profile.username} />
    </div>
  );
}
