"use client";
import { signOut } from "next-auth/react";

export function SignOutButton() {
  return (
    <button
      type="button"
      onClick={() => signOut({ callbackUrl: "/login" })}
      className="rounded px-2 py-1 text-sm text-header-ink/80 hover:bg-header-ink/10 hover:text-header-ink"
    >
      Sign out
    </button>
  );
}
