/**
 * The recommendations part of the contract (JSON Schema, `as const`). Self-contained: it must not import
 * ./schemas.ts (which re-exports it). Types are derived next to each schema with FromSchema.
 */

/** Error codes this part adds (merged into ErrorCodes in ./schemas.ts). */
export const RecommendationsErrorCodes = {} as const;
