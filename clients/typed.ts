// Uses the types graphql-codegen generated from /schema.graphql, so that
// tsc fails when they do not follow the schema. Compiled to build/, it is
// also what trusted.mjs imports: the documents with their hashes.
import type { EntityCardQuery, PeopleQuery } from "./gen/graphql.js";

/** describe says what an EntityCard answer holds, in one line. */
export function describe(answer: EntityCardQuery): string {
  const node = answer.node;
  if (!node || node.__typename === "Source") {
    return "nothing";
  }
  const where = node.country ? ` of ${node.country.name}` : "";
  const offices =
    node.__typename === "Person" ? `: ${node.positions.map((p) => `${p.title}, ${p.organization.name}`).join("; ")}` : "";
  // @ts-expect-error an Entity has no such field: the types are exact, not any.
  void node.salary;
  return `${node.name} (${node.kind})${where}${offices}`;
}

/** names lists the people of a page, and where the next page starts. */
export function names(page: PeopleQuery): { names: string[]; next: string | null } {
  const c = page.entities;
  return { names: c.edges.map((e) => e.node.name), next: c.pageInfo.hasNextPage ? (c.pageInfo.endCursor ?? null) : null };
}

export { EntityCardDocument, PeopleDocument } from "./gen/graphql.js";
