import { mustChangePassword, requireUserPage } from "@/lib/auth/session";
import { Card, Notice, PageHeader } from "@/components/ui";
import { ChangePasswordForm } from "@/components/account/change-password-form";

export const metadata = { title: "Change password" };

/** Where every page sends a user whose password must change; reachable by anyone signed in. */
export default async function ChangePasswordPage() {
  const user = await requireUserPage({ passwordChange: true });
  const forced = await mustChangePassword();
  return (
    <>
      <PageHeader title="Change your password" subtitle={`Signed in as ${user.username}.`} />
      <div className="max-w-lg space-y-4">
        {forced && (
          <Notice tone="amber">
            Your password was generated or set by an administrator. Choose your own password to continue; until then,
            the other pages lead here.
          </Notice>
        )}
        <Card>
          <ChangePasswordForm forced={forced} />
        </Card>
      </div>
    </>
  );
}
