/**
 * Default reply templates. A name may have platform variants (`help.console`); the
 * responder falls back to the shared one. Operators override any of them with files in
 * `templates.dir` (`<name>.hbs` or `<name>.<platform>.hbs`).
 */
export const DEFAULT_TEMPLATES: Readonly<Record<string, string>> = {
  help: `Commands{{#if prefix}} (start with {{code prefix}}){{/if}}:
{{#each commands}}
• {{code display}} — {{description}}
{{/each}}
Type {{code (concat prefix "help <command>")}} for details.`,

  help_command: `{{code display}} — {{description}}
{{#if help}}
{{help}}
{{/if}}
{{#if also.length}}
Also: {{#each also}}{{code this}}{{#unless @last}}, {{/unless}}{{/each}}
{{/if}}`,

  unknown_command: `I don't know {{code text}}.{{#if closest}} Did you mean:
{{code closest.display}} — {{closest.description}}{{/if}}
Type {{code (concat prefix "help")}} for the list of commands.`,

  ambiguous_command: `{{code text}} could mean more than one command:
{{#each candidates}}
• {{code display}} — {{description}}
{{/each}}
Please be more specific.`,

  not_available: `{{code display}} is not available yet in this version of packbot.`,

  error: `{{message}}{{#each details}}
  {{this}}{{/each}}`,

  internal_error: `Something went wrong while handling {{code text}} (error {{code errorId}}). The details are in packbot's log.`,
};
