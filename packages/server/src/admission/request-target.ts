/** The path and query of an HTTP request, as routing reads them. */
export interface RequestTarget {
  pathname: string;
  query: URLSearchParams;
}

/**
 * Reads a request's target (`/chat/1?token=…`) as the client wrote it: `//evil/x` is a path, not
 * a host, and no target makes it throw. The absolute form (`http://host/path`, sent to proxies)
 * yields its path; anything else unreadable yields a path that no route matches.
 */
export function requestTarget(url: string | undefined): RequestTarget {
  const target = url ?? '/';
  if (!target.startsWith('/')) {
    try {
      const absolute = new URL(target);
      return { pathname: absolute.pathname, query: absolute.searchParams };
    } catch {
      return { pathname: target, query: new URLSearchParams() };
    }
  }
  const mark = target.indexOf('?');
  if (mark === -1) return { pathname: target, query: new URLSearchParams() };
  return { pathname: target.slice(0, mark), query: new URLSearchParams(target.slice(mark + 1)) };
}
