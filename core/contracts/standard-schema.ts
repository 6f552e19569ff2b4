/**
 * The Standard Schema v1 interface (https://standardschema.dev), declared
 * locally as the spec recommends so any compliant library (zod 4, valibot,
 * arktype) can describe plugin options.
 *
 * @module
 */

/** A schema implementing Standard Schema v1. */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  /** The Standard Schema properties. */
  readonly '~standard': StandardSchemaV1Props<Input, Output>;
}

/** The properties under `~standard`. */
export interface StandardSchemaV1Props<Input = unknown, Output = Input> {
  /** Version of the spec (1). */
  readonly version: 1;
  /** Library name. */
  readonly vendor: string;
  /** Validate an unknown value. */
  readonly validate: (value: unknown) => StandardSchemaV1Result<Output> | Promise<StandardSchemaV1Result<Output>>;
  /** Inferred types (type-level only). */
  readonly types?: { readonly input: Input; readonly output: Output } | undefined;
}

/** Validation result. */
export type StandardSchemaV1Result<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: readonly StandardSchemaV1Issue[] };

/** One validation issue. */
export interface StandardSchemaV1Issue {
  /** Human-readable message. */
  readonly message: string;
  /** Path to the offending value. */
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/** The output type of a Standard Schema. */
export type InferOutput<S> = S extends StandardSchemaV1<unknown, infer O> ? O : never;
