import { CurrentConnection, tokenName, type Manifest, type ManifestProblem } from '@herald/server';

/**
 * DI tokens nothing provides: in a controller's `inject` or a provider's. The connection a
 * controller serves (`CurrentConnection`) is always provided.
 */
export function missingProviders(manifest: Manifest): ManifestProblem[] {
  const provided = new Set([
    tokenName(CurrentConnection),
    ...manifest.providers.map(({ token }) => token),
  ]);
  const fix = (token: string) =>
    `add singleton(${token}), perConnection(${token}) or value(${token}, ...) to the providers export`;
  return [
    ...manifest.namespaces.flatMap(({ controller, inject }) =>
      inject
        .filter((token) => !provided.has(token))
        .map((token) => ({
          controller,
          member: '@Socket',
          message: `needs ${token}, which has no provider: ${fix(token)}`,
        })),
    ),
    ...manifest.providers.flatMap(({ token, inject }) =>
      inject
        .filter((needed) => !provided.has(needed))
        .map((needed) => ({
          controller: 'providers',
          member: token,
          message: `needs ${needed}, which has no provider: ${fix(needed)}`,
        })),
    ),
  ];
}
