// A throwaway self-signed certificate for 127.0.0.1, as an organiser would make one for a
// test: for stagehub's own TLS and for a reverse proxy in front of it.

import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

// Writes cert.pem and key.pem into `dir`; returns their paths {cert, key}.
export async function selfSignedCertificate(dir) {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-keyout',
    key,
    '-out',
    cert,
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
  ]);
  return { cert, key };
}
