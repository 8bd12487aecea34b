/**
 * A real OpenLDAP server (Debian's slapd) for a test file: a temporary directory with a slapd.conf,
 * an mdb database and the memberof overlay, listening on free loopback ports (ldap:// and ldaps://
 * with a self-signed certificate made by openssl). The directory is seeded through the server
 * itself, so memberOf is kept as on a production server. slapd runs in the foreground under a
 * shell that kills it when this process's pipe closes: it stops with the test even after a crash.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Client } from "ldapts";

export const SUFFIX = "dc=example,dc=org";
export const ROOT_DN = `cn=admin,${SUFFIX}`;
export const ROOT_PASSWORD = "root-secret";
export const SEARCH_DN = `cn=search,ou=services,${SUFFIX}`;
export const SEARCH_PASSWORD = "search-secret";

export type LdapUser = { uid: string; password: string; mail?: string; ou?: "people" | "contractors" };
export type LdapGroup = { cn: string; members: string[] };

export type LocalSlapd = {
  url: string;
  ldapsUrl: string;
  /** the self-signed certificate of ldaps:// (PEM) */
  certificate: string;
  userDn: (uid: string, ou?: string) => string;
  groupDn: (cn: string) => string;
  stop: () => Promise<void>;
};

const SLAPD = fs.existsSync("/usr/sbin/slapd") ? "/usr/sbin/slapd" : "slapd";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function config(dir: string): string {
  const schema = "/etc/ldap/schema";
  return `include ${schema}/core.schema
include ${schema}/cosine.schema
include ${schema}/inetorgperson.schema
include ${schema}/nis.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
pidfile ${dir}/slapd.pid
TLSCertificateFile ${dir}/cert.pem
TLSCertificateKeyFile ${dir}/key.pem
database mdb
maxsize 10485760
suffix "${SUFFIX}"
rootdn "${ROOT_DN}"
rootpw ${ROOT_PASSWORD}
directory ${dir}/db
overlay memberof
memberof-group-oc groupOfNames
memberof-member-ad member
memberof-memberof-ad memberOf
memberof-refint TRUE
access to attrs=userPassword by self read by anonymous auth by * none
access to * by * read
`;
}

async function waitForPort(port: number, child: ChildProcess, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`slapd exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("slapd did not start listening in time");
}

export async function startSlapd(seed: { users: LdapUser[]; groups: LdapGroup[] }): Promise<LocalSlapd> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "harbor-slapd-"));
  fs.mkdirSync(path.join(dir, "db"));
  // A self-signed certificate for 127.0.0.1 (ldaps://): verification must fail unless turned off.
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      path.join(dir, "key.pem"),
      "-out",
      path.join(dir, "cert.pem"),
      "-days",
      "1",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
    ],
    { stdio: "ignore" },
  );
  fs.writeFileSync(path.join(dir, "slapd.conf"), config(dir));
  const [port, tlsPort] = [await freePort(), await freePort()];
  const url = `ldap://127.0.0.1:${port}`;
  const ldapsUrl = `ldaps://127.0.0.1:${tlsPort}`;
  // `cat` ends when this process's end of the pipe closes (normal exit or crash); then slapd is killed.
  const child = spawn(
    "sh",
    [
      "-c",
      `"${SLAPD}" -f "${dir}/slapd.conf" -h "${url}/ ${ldapsUrl}/" -d 0 & pid=$!; trap 'kill $pid 2>/dev/null' EXIT; cat >/dev/null`,
    ],
    { stdio: ["pipe", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  try {
    await waitForPort(port, child, Date.now() + 10_000);
    await waitForPort(tlsPort, child, Date.now() + 10_000);
  } catch (err) {
    child.stdin!.end();
    throw new Error(`${(err as Error).message}: ${stderr.slice(-500)}`);
  }

  const userDn = (uid: string, ou = "people") => `uid=${uid},ou=${ou},${SUFFIX}`;
  const groupDn = (cn: string) => `cn=${cn},ou=groups,${SUFFIX}`;
  const admin = new Client({ url });
  await admin.bind(ROOT_DN, ROOT_PASSWORD);
  await admin.add(SUFFIX, { objectClass: ["dcObject", "organization"], dc: "example", o: "Example" });
  for (const ou of ["people", "contractors", "groups", "services"])
    await admin.add(`ou=${ou},${SUFFIX}`, { objectClass: "organizationalUnit", ou });
  await admin.add(SEARCH_DN, {
    objectClass: ["organizationalRole", "simpleSecurityObject"],
    cn: "search",
    userPassword: SEARCH_PASSWORD,
  });
  for (const u of seed.users) {
    await admin.add(userDn(u.uid, u.ou), {
      objectClass: "inetOrgPerson",
      uid: u.uid,
      cn: u.uid,
      sn: u.uid,
      userPassword: u.password,
      ...(u.mail ? { mail: u.mail } : {}),
    });
  }
  for (const g of seed.groups) {
    await admin.add(groupDn(g.cn), {
      objectClass: "groupOfNames",
      cn: g.cn,
      member: g.members.map((m) => (m.includes("=") ? m : userDn(m))),
    });
  }
  await admin.unbind();

  return {
    url,
    ldapsUrl,
    certificate: fs.readFileSync(path.join(dir, "cert.pem"), "utf8"),
    userDn,
    groupDn,
    stop: async () => {
      const exited = new Promise((r) => child.once("exit", r));
      child.stdin!.end();
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
