import { pageSysadmin } from "@/lib/auth/page-access";
import { listUsers } from "@/lib/users/service";
import { Badge, Card, PageHeader, Table, Td } from "@/components/ui";
import { CreateUserForm, UserActions } from "@/components/admin/user-forms";

export default async function UsersPage() {
  const admin = await pageSysadmin("users.manage");
  const users = await listUsers(admin);
  return (
    <>
      <PageHeader
        title="Users"
        subtitle="Accounts that can sign in. Add them to projects from each project's Members tab."
      />
      <div className="grid gap-6 lg:grid-cols-[1fr_320px]">
        <Table head={["User", "E-mail", "Role", "Status", "Projects", "Created", "Actions"]} caption="Users">
          {users.map((u) => (
            <tr key={u.id}>
              <Td className="font-medium">{u.username}</Td>
              <Td>{u.email ?? "—"}</Td>
              <Td>{u.sysadmin ? <Badge tone="blue">System admin</Badge> : <Badge>User</Badge>}</Td>
              <Td>
                {u.disabledAt ? (
                  <Badge tone="red">Disabled</Badge>
                ) : u.mustChangePassword ? (
                  <Badge tone="amber">Must change password</Badge>
                ) : (
                  <Badge tone="green">Active</Badge>
                )}
              </Td>
              <Td>{u._count.memberships}</Td>
              <Td>{u.createdAt.toISOString().slice(0, 10)}</Td>
              <Td>
                {u.id === admin.userId ? (
                  <span className="text-xs text-slate-500">You (change your password on your profile)</span>
                ) : (
                  <UserActions
                    user={{
                      id: u.id,
                      username: u.username,
                      sysadmin: u.sysadmin,
                      disabled: !!u.disabledAt,
                      memberships: u._count.memberships,
                      projectNames: u.memberships.map((m) => m.project.name),
                    }}
                  />
                )}
              </Td>
            </tr>
          ))}
        </Table>
        <Card title="New user">
          <CreateUserForm />
        </Card>
      </div>
    </>
  );
}
