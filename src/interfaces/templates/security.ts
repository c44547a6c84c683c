/** Templates for security refusals (see defaults.ts for the naming rules). */
export const SECURITY_TEMPLATES: Readonly<Record<string, string>> = {
  // Never quotes the message: the credential in it must not be repeated anywhere.
  // canDelete: the reply carries a "Delete my message" button (the adapter can delete it).
  pasted_credential: `That message contains what looks like {{what}}; I did not run it. {{#if canDelete}}Press {{bold "Delete my message"}} and I'll remove it; rotate the {{noun}} anyway: it has been sent to Slack.{{else}}Delete the message and rotate the {{noun}}.{{/if}}`,
};
