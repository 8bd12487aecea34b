"use client";
import { signOut } from "next-auth/react";

const buttonClass = "rounded px-2 py-1 text-sm text-header-ink/80 hover:bg-header-ink/10 hover:text-header-ink";

/** Signs out; an OIDC user whose provider session ends too goes through POST /logout. */
export function SignOutButton({ providerLogout = false }: { providerLogout?: boolean }) {
  if (providerLogout)
    return (
      <form method="post" action="/logout">
        <button type="submit" className={buttonClass}>
          Sign out
        </button>
      </form>
    );
  return (
    <button type="button" onClick={() => signOut({ callbackUrl: "/login" })} className={buttonClass}>
      Sign out
    </button>
  );
}
