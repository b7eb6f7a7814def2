/**
 * Why an IFC could not be opened. Kept free of web-ifc so the page can import it (to rebuild the
 * typed error from a worker's reply) without bundling the WASM glue. Messages start with the
 * class name and name the file. The subclass is carried in `name`, which survives Comlink.
 */
/** Why a model could not be opened. Subclasses carry the reason in `name` so it survives Comlink. */
export class IfcOpenError extends Error {
  override name = 'IfcOpenError';
}
/** The bytes are not an ISO-10303-21 (STEP) file at all. */
export class IfcNotIfcError extends IfcOpenError {
  override name = 'IfcNotIfcError';
}
/** The STEP text stops before `END-ISO-10303-21;` (interrupted download or copy). */
export class IfcTruncatedError extends IfcOpenError {
  override name = 'IfcTruncatedError';
}
/** FILE_SCHEMA names a schema web-ifc cannot read (e.g. IFC2X2_FINAL). */
export class IfcUnsupportedSchemaError extends IfcOpenError {
  override name = 'IfcUnsupportedSchemaError';
}
/** The model opened but has no triangle to show. */
export class IfcNoGeometryError extends IfcOpenError {
  override name = 'IfcNoGeometryError';
}
/** web-ifc failed on the model's content (corrupt data, entities that do not match FILE_SCHEMA). */
export class IfcDamagedError extends IfcOpenError {
  override name = 'IfcDamagedError';
}
/**
 * An error web-ifc raised while reading a model that opened (a TypeError for an entity its schema lacks, a WASM
 * "memory access out of bounds", a stack overflow on nesting) as an IfcDamagedError naming the file; typed open errors
 * pass through. Such errors come from the file's content, so they are bad input, not a fault of the app.
 */
export function damagedModelError(e: unknown, fileName: string, schema: string): IfcOpenError {
  if (e instanceof IfcOpenError) return e;
  const why = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return new IfcDamagedError(`IfcDamagedError: ${fileName}: web-ifc could not read the model (${why}): the file is damaged, or its entities do not match its FILE_SCHEMA "${schema}"`);
}

/** The caller cancelled the load. */
export class IfcCancelledError extends IfcOpenError {
  override name = 'IfcCancelledError';
}

const OPEN_ERRORS = { IfcOpenError, IfcNotIfcError, IfcTruncatedError, IfcUnsupportedSchemaError, IfcNoGeometryError, IfcDamagedError, IfcCancelledError };
export type IfcOpenErrorName = keyof typeof OPEN_ERRORS;

/** Rebuilds the typed error from a name and message (Comlink transports only those two). */
export function reviveIfcOpenError(e: unknown): Error {
  if (e instanceof Error && e.name in OPEN_ERRORS && !(e instanceof IfcOpenError)) {
    const Ctor = OPEN_ERRORS[e.name as IfcOpenErrorName];
    return new Ctor(e.message);
  }
  return e instanceof Error ? e : new Error(String(e));
}

