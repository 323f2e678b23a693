import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * What keeps a local server private: a random token per run that every request must carry (another
 * web page in the same browser cannot know it, so it can neither read nor write through td view), the
 * Host header checked on loopback (a DNS-rebinding page arrives under its own host name), and POSTs
 * accepted only from td view's own origin. No CORS header is ever sent, so a browser keeps other
 * origins' scripts from reading any response.
 */

/** 32 random bytes in hex: the session token of one td view run (hex never looks like a key to the redactor, so the URL prints whole). */
export function newToken(): string {
  return randomBytes(32).toString('hex');
}

export function tokenMatches(given: string | null, token: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Whether `host` is a loopback address (the only binding that needs no warning). */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** `host:port` as a URL authority (IPv6 in brackets). */
export function authority(host: string, port: number): string {
  return `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
}

/**
 * The Host headers a loopback server answers: the names of the loopback address it is bound to. On
 * another address any name may reach it (the token still guards it), so none is refused there.
 */
export function hostAllowed(headers: IncomingHttpHeaders, boundHost: string, port: number): boolean {
  if (!isLoopback(boundHost)) return true;
  const host = headers.host?.toLowerCase();
  return host !== undefined && [authority(boundHost, port), `localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`].includes(host);
}

/** A POST must come from a page of td view itself: its Origin is this server's own. */
export function originAllowed(headers: IncomingHttpHeaders): boolean {
  const origin = headers.origin;
  const site = headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin') return false;
  return typeof origin === 'string' && headers.host !== undefined && origin.toLowerCase() === `http://${headers.host.toLowerCase()}`;
}

/**
 * Sent with every response: nothing but td view's own script and style may run or load, no page may
 * frame it or embed its responses, no Referer leaves it (the URL holds the token), nothing is cached.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};
