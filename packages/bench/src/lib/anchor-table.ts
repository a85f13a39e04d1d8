// The table the database anchors write and read: shaped like our messages table (uuid key, a
// per-channel seq unique with its channel, author, content, client id unique per author,
// commit time), but owned by the bench, so it never depends on our schema.
export const createAnchorTable = `
  create table if not exists bench_messages (
    id uuid primary key default gen_random_uuid(),
    channel_id uuid not null,
    seq bigint not null,
    user_id uuid not null,
    content text not null,
    client_msg_id text,
    created_at timestamptz not null default now(),
    unique (channel_id, seq),
    unique (user_id, client_msg_id)
  )`;

export const insertAnchorRow = `
  insert into bench_messages (channel_id, seq, user_id, content, client_msg_id)
  values ($1, $2, $3, $4, $5)
  returning id, created_at`;
