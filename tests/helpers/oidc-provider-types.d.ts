// oidc-provider 8 ships no type declarations: the little of it the test provider uses.
declare module "oidc-provider" {
  import type { IncomingMessage, ServerResponse } from "node:http";

  export type KoaContextWithOIDC = {
    path: string;
    method: string;
    status: number;
    body: unknown;
    oidc: {
      provider: Provider;
      session?: {
        accountId?: string;
        grantIdFor(clientId: string, value?: string): string | undefined;
        ensureClientContainer(clientId: string): void;
      };
      client?: { clientId: string };
    };
  };

  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    Grant: {
      new (init: { clientId: string; accountId: string }): {
        jti: string;
        addOIDCScope(scope: string): void;
        save(): Promise<string>;
      };
      find(id: string): Promise<unknown>;
    };
    on(event: string, listener: (...args: unknown[]) => void): this;
    use(middleware: (ctx: KoaContextWithOIDC, next: () => Promise<void>) => Promise<void>): void;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
  }
}
