/**
 * Linked streams in PostgreSQL (docs/protocol.md, "Linked streams"): one row per stream, its
 * parent indexed. Created with the store's other tables; the row goes when its stream is erased.
 */
export const STREAM_LINKS_MIGRATION = `
create table if not exists tapedeck_stream_links (
  stream_id text collate "C" primary key,
  parent_id text collate "C" not null
);
create index if not exists tapedeck_stream_links_by_parent on tapedeck_stream_links (parent_id, stream_id);`
