/** What the sign-in page says for each of next-auth's error codes (and ours): never a stack trace. */
const MESSAGES: Record<string, string> = {
  CredentialsSignin: "Wrong user name or password.",
  TooManyAttempts: "Too many failed sign-ins for this user. Wait a few minutes and try again.",
  AccountDisabled: "This account is disabled. Ask a system admin to enable it.",
  DirectoryUnavailable:
    "The directory server cannot be reached. Try again in a moment; if it keeps failing, tell a system admin.",
  NameTaken: "A local account already has this user name. Ask a system admin.",
  OAuthSignin:
    "The identity provider cannot be reached. Try again in a moment; if it keeps failing, tell a system admin.",
  OAuthCallback:
    "The identity provider's answer was refused (its token was not valid for this site). Try again, or tell a system admin.",
  Callback: "The identity provider's answer was refused. Try again, or tell a system admin.",
  OAuthAccountNotLinked: "This account cannot be used here. Ask a system admin.",
  AccessDenied: "Sign-in was refused.",
  OidcDisabled: "Sign-in with the identity provider is turned off. Sign in with a local account.",
  OidcProfile: "The identity provider did not say who you are (no subject in its token). Tell a system admin.",
  OnboardingExpired: "The sign-in took too long. Sign in again.",
};

const SIGN_IN_FAILED = "Sign-in failed. Try again in a moment; if it keeps failing, tell a system admin.";

export function signInErrorMessage(code: string | undefined): string {
  return code ? (MESSAGES[code] ?? SIGN_IN_FAILED) : "";
}
