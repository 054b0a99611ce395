create table public.kick_events (
  id          text primary key,        -- Kick's id, or a stable hash of (Pusher channel, event, payload)
  type        text not null,           -- normalized type, e.g. chat.message.sent
  channel     text not null,           -- Kick channel slug
  chatroom_id bigint,
  channel_id  bigint,
  user_id     bigint,
  username    text,
  content     text,
  created_at  timestamptz not null,    -- Kick's time, or the receive time when Kick sends none
  received_at timestamptz not null,
  payload     jsonb not null           -- the inner Kick JSON object, whole
);
create index kick_events_channel_created on public.kick_events (channel, created_at desc);
create index kick_events_type on public.kick_events (type);
-- Supabase: insert with the service key, or allow inserts for the key you use:
-- alter table public.kick_events enable row level security;
-- create policy kickwatch_insert on public.kick_events for insert to anon with check (true);
