// Lint: typescript-eslint's recommended type-aware rules, and Pulumi's trap as an error: an
// Output inside a template literal renders as "Calling [toString] on an [Output<T>]…", not its
// value (use pulumi.interpolate). Part of `npm test`.
import js from "@eslint/js";
import pulumi from "@pulumi/eslint-plugin";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", ".tools/", ".tmp/", ".pulumi-state/", "toolchain/", "eslint.config.mjs", "vitest.config.mts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { "@pulumi": pulumi },
    rules: {
      "@pulumi/no-output-in-template-literal": "error",
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
      // Tests probe untyped JSON (stack outputs, mock inputs).
      "@typescript-eslint/no-explicit-any": "off",
      // Dynamic providers load libraries lazily, inside the functions Pulumi serializes.
      "@typescript-eslint/no-require-imports": "off",
    },
  },
);
