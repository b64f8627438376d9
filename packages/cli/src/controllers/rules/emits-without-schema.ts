import type { Manifest, ManifestProblem } from '@herald/server';

/** A sent event declared without a schema: generated clients cannot type its payload. */
export function emitsWithoutSchema(manifest: Manifest): ManifestProblem[] {
  return manifest.namespaces.flatMap(({ controller, emits }) =>
    emits
      .filter((emitted) => emitted.schema === undefined)
      .map((emitted) => ({
        controller,
        member: '@Emits',
        message: `event '${emitted.name}' is declared without a schema: clients cannot type its payload`,
      })),
  );
}
