import type { Manifest, ManifestProblem } from '@herald/server';

/** An event handled twice in one controller: only one of its methods could run. */
export function duplicateEvents(manifest: Manifest): ManifestProblem[] {
  return manifest.namespaces.flatMap(({ controller, events }) =>
    events.flatMap((event, index) => {
      const first = events.slice(0, index).find(({ name }) => name === event.name);
      if (!first) return [];
      return [
        {
          controller,
          member: event.method,
          message: `event '${event.name}' is already handled by ${controller}.${first.method}`,
        },
      ];
    }),
  );
}
