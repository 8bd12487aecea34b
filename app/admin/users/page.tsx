import { pageSysadmin } from "@/lib/auth/page-access";
import { listUsers } from "@/lib/users/service";
import { Badge, Card, PageHeader, Table, Td } from "@/components/ui";
import { CreateUserForm, SysadminToggle } from "@/components/admin/user-forms";

export default async function UsersPage() {
  const admin = await pageSysadmin();
  const users = await listUsers(admin);
  return (
    <>
      <PageHeader
        title="Users"
        subtitle="Accounts that can sign in. Add them to projects from each project's Members tab."
      />
      <div className="grid gap-6 lg:grid-cols-[1fr_320px]">
        <Table head={["User", "E-mail", "Role", "Projects", "Created", "Actions"]} caption="Users">
          {users.map((u) => (
            <tr key={u.id}>
              <Td className="font-medium">{u.username}</Td>
              <Td>{u.email ?? "—"}</Td>
              <Td>{u.sysadmin ? <Badge tone="blue">System admin</Badge> : <Badge>User</Badge>}</Td>
              <Td>{u._count.memberships}</Td>
              <Td>{u.createdAt.toISOString().slice(0, 10)}</Td>
              <Td>
                {u.id !== admin.userId && <SysadminToggle userId={u.id} sysadmin={u.sysadmin} username={u.username} />}
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
