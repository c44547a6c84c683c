/** Templates for security refusals (see defaults.ts for the naming rules). */
export const SECURITY_TEMPLATES: Readonly<Record<string, string>> = {
  // Never quotes the message: the credential in it must not be repeated anywhere.
  pasted_credential: `That message contains what looks like {{what}}; I did not run it. Delete the message and rotate the {{noun}}.`,
};
