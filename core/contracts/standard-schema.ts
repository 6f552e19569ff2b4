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
  readonly types?: StandardSchemaV1Types<Input, Output> | undefined;
}

/** Type-level record of a schema's input and output types. */
export interface StandardSchemaV1Types<Input, Output> {
  /** Input type. */
  readonly input: Input;
  /** Output type. */
  readonly output: Output;
}

/** A successful validation. */
export interface StandardSchemaV1Success<Output> {
  /** The validated (and possibly transformed) value. */
  readonly value: Output;
  /** Absent on success. */
  readonly issues?: undefined;
}

/** A failed validation. */
export interface StandardSchemaV1Failure {
  /** What is wrong. */
  readonly issues: readonly StandardSchemaV1Issue[];
}

/** Validation result. */
export type StandardSchemaV1Result<Output> = StandardSchemaV1Success<Output> | StandardSchemaV1Failure;

/** A path segment given as an object. */
export interface StandardSchemaV1PathSegment {
  /** The key. */
  readonly key: PropertyKey;
}

/** One validation issue. */
export interface StandardSchemaV1Issue {
  /** Human-readable message. */
  readonly message: string;
  /** Path to the offending value. */
  readonly path?: ReadonlyArray<PropertyKey | StandardSchemaV1PathSegment> | undefined;
}

/** The output type of a Standard Schema. */
export type InferOutput<S> = S extends StandardSchemaV1<unknown, infer O> ? O : never;
