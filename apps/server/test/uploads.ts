// Multipart bodies for upload tests, built by hand so a test controls every byte.
export const boundary = 'chat-test-boundary-7d1f0a';

export const multipartHeaders = { 'content-type': `multipart/form-data; boundary=${boundary}` };

/** What comes before a part's bytes. */
export function partHead(field = 'file', filename = 'upload.bin', contentType = 'image/png') {
  return Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\n` +
      `Content-Type: ${contentType}\r\n\r\n`,
  );
}

export const multipartTail = Buffer.from(`\r\n--${boundary}--\r\n`);

/** A whole body with one file part. */
export function multipartBody(bytes: Buffer, filename?: string, field?: string): Buffer {
  return Buffer.concat([partHead(field, filename), bytes, multipartTail]);
}

// The smallest PNG there is: 1×1, transparent.
export const tinyPng = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
