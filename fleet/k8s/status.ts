/** metav1.Status: how the Kubernetes API reports every failure. */
import type { ServerResponse } from 'node:http';
import { sendJson } from '../http/util';

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: { continue?: string };
  status: 'Failure';
  message: string;
  reason: string;
  details?: { name?: string; group?: string; kind?: string };
  code: number;
}

export function statusBody(
  code: number,
  reason: string,
  message: string,
  extra: Partial<StatusBody> = {},
): StatusBody {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...extra,
    code,
  };
}

export function sendStatus(
  res: ServerResponse,
  code: number,
  reason: string,
  message: string,
  extra: Partial<StatusBody> = {},
): void {
  sendJson(res, code, statusBody(code, reason, message, extra));
}

export const EXPIRED_MESSAGE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';
