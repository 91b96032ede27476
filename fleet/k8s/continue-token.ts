/**
 * Continue tokens for chunked lists. Like the API server's, a token is base64 of a small JSON
 * document naming the resourceVersion the list is pinned to and the key to resume after; ours also
 * carries when it was issued, so tokens expire after a set time (the API server's tokens expire
 * when etcd compacts the revision, about every 5 minutes).
 */

export interface ContinueState {
  /** The resourceVersion the whole list is read at. */
  rv: number;
  /** Resume strictly after this key. */
  start: string;
  /** Wall-clock ms the first page was served. */
  issued: number;
}

export function encodeContinue(state: ContinueState): string {
  const doc = { v: 'meta.k8s.io/v1', rv: state.rv, start: state.start, iat: state.issued };
  return Buffer.from(JSON.stringify(doc)).toString('base64url');
}

/** The token's state, or a message saying why it is not a token. */
export function decodeContinue(token: string): ContinueState | { error: string } {
  let doc: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+={0,2}$/.test(token)) throw new Error('not base64');
    doc = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return { error: `continue key is not valid: illegal base64 data at input byte 0` };
  }
  const d = doc as { v?: unknown; rv?: unknown; start?: unknown; iat?: unknown };
  if (d.v !== 'meta.k8s.io/v1')
    return {
      error: 'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    };
  if (typeof d.rv !== 'number' || !Number.isSafeInteger(d.rv) || d.rv <= 0) {
    return {
      error: 'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    };
  }
  if (typeof d.start !== 'string' || d.start === '' || typeof d.iat !== 'number') {
    return { error: 'continue key is not valid: encoded start key empty' };
  }
  return { rv: d.rv, start: d.start, issued: d.iat };
}
