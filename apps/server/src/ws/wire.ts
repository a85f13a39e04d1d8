// A text frame as the bytes of a whole WebSocket message (RFC 6455 §5.2: FIN, the text opcode,
// unmasked as a server's frames are, no extension): a frame shared by many sockets is framed
// once and every socket writes the same Buffer, as Socket.IO does for a broadcast.

export function textMessage(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const bytes = Buffer.allocUnsafe(header + length);
  bytes[0] = 0x81;
  if (header === 2) bytes[1] = length;
  else if (header === 4) {
    bytes[1] = 126;
    bytes.writeUInt16BE(length, 2);
  } else {
    bytes[1] = 127;
    bytes.writeBigUInt64BE(BigInt(length), 2);
  }
  bytes.write(text, header, 'utf8');
  return bytes;
}
