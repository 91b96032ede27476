/** Rancher's API error body (norman's shape, which Steve and the proxy also use). */
import type { ServerResponse } from 'node:http';
import { sendJson } from '../http/util';

const CODES: Record<number, string> = {
  400: 'InvalidBodyContent',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  500: 'ServerError',
  503: 'ServiceUnavailable',
};

export function rancherError(status: number, message: string, code = CODES[status] ?? 'ServerError') {
  return { type: 'error', baseType: 'error', links: {}, code, message, status };
}

export function sendRancherError(res: ServerResponse, status: number, message: string, code?: string): void {
  sendJson(res, status, rancherError(status, message, code));
}
