// graphql-codegen's configuration: TypeScript types for the operations in
// documents/, from the schema the server serves at /schema.graphql, and
// persisted-documents.json, the server's TRUSTED_DOCUMENTS_FILE (hashed
// with SHA-256, as the server wants, and with __typename added, as Apollo
// Client's cache wants).
import type { CodegenConfig } from "@graphql-codegen/cli";
import { addTypenameSelectionDocumentTransform } from "@graphql-codegen/client-preset";

const server = process.env.PUENTE_URL ?? "http://localhost:8080";

const config: CodegenConfig = {
  schema: `${server}/schema.graphql`,
  documents: ["documents/*.graphql"],
  // ES modules: imports between the generated files end in .js.
  emitLegacyCommonJSImports: false,
  generates: {
    "gen/": {
      preset: "client",
      presetConfig: {
        fragmentMasking: false,
        persistedDocuments: { hashAlgorithm: "sha256" },
      },
      documentTransforms: [addTypenameSelectionDocumentTransform],
      config: { useTypeImports: true, enumsAsTypes: true, scalars: { Date: "string" } },
    },
  },
};

export default config;
