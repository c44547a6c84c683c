/**
 * Templates for a deploy's plan (`pack diff`, a prompt's thread, "nothing to do"); see
 * defaults.ts for the naming rules. A plan line arrives as runs (presenter/plan-view.ts):
 * names are strong runs, written bold the way each platform reads it.
 */

/** One plan line: its runs, names in bold. Shared by every template that shows a plan. */
export const PLAN_LINE = `{{#each runs}}{{#if strong}}{{bold text}}{{else}}{{text}}{{/if}}{{/each}}`;

/** A pack's line, then the commits behind it and its warnings, indented under it. */
const PACK_BLOCK = `{{#each packs}}
• ${PLAN_LINE}
{{#each commits}}
   {{code short}} {{subject}} — {{author}}
{{/each}}
{{#if more}}
   … and {{plural more "more commit"}}
{{/if}}
{{#each errors}}
   ✗ {{this}}
{{/each}}
{{#each warnings}}
   ⚠ {{this}}
{{/each}}
{{/each}}
{{#each problems}}
✗ The dependencies would stop it: {{this}}
{{/each}}`;

/** A prompt's (or a deploy message's) plan: the lines of a small request, the summary of a big one. */
export const PLAN_BRIEF = `{{#if plan.summary}}
Plan: {{plan.summary}}{{#if plan.thread}} — every pack is in the thread{{/if}}.
{{/if}}
{{#each plan.lines}}
• ${PLAN_LINE}
{{/each}}
{{#each plan.problems}}
✗ The dependencies would stop it: {{this}}
{{/each}}`;

export const PLAN_TEMPLATES: Readonly<Record<string, string>> = {
  deploy_plan: `Plan for {{bold repo}} _{{ref}}_ at {{code commit}}: {{summary}}.
${PACK_BLOCK}
{{#if notPacks}}
– skipped, not a pack (no pack.yaml): {{notPacks}}
{{/if}}
{{#if nothingToDo}}
Deploying it would change nothing; add force=true to redeploy anyway.
{{/if}}`,

  confirm_plan_details: `The plan of {{code id}} ({{bold repo}} _{{ref}}_ at {{code commit}}), packs that change first:
${PACK_BLOCK}
{{#if notPacks}}
– skipped, not a pack (no pack.yaml): {{notPacks}}
{{/if}}`,

  deploy_nothing: `Nothing to do: {{bold packs}} from {{bold repo}} branch _{{branch}}_{{#if plan.commit}} (at {{code plan.commit}}){{/if}} is already live, so it was not deployed (id {{code id}}). Deploy it with force=true to redeploy anyway.
${PLAN_BRIEF}
`,
};
