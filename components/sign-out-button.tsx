"use client";
import { signOut } from "next-auth/react";

const buttonClass = "rounded px-2 py-1 text-sm text-header-ink/80 hover:bg-header-ink/10 hover:text-header-ink";

/** Ends the session here, then at the OpenID provider (POST /logout says where to go next). */
async function signOutAtProvider() {
  const signInPage = `${window.location.origin}/login`;
  let next = signInPage;
  try {
    const res = await fetch("/logout", { method: "POST" });
    next = ((await res.json()) as { url?: string }).url ?? signInPage;
  } finally {
    window.location.href = next;
  }
}

/** Signs out; an OIDC user whose provider session ends too goes through POST /logout. */
export function SignOutButton({ providerLogout = false }: { providerLogout?: boolean }) {
  return (
    <button
      type="button"
      onClick={() => (providerLogout ? void signOutAtProvider() : signOut({ callbackUrl: "/login" }))}
      className={buttonClass}
    >
      Sign out
    </button>
  );
}
