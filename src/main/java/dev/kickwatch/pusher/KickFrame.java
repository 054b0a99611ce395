package dev.kickwatch.pusher;

import java.time.Instant;

/**
 * One application frame from Kick, as the {@code kick:} consumer hands it to the route (the message body).
 *
 * @param pusherEvent   the Pusher event name as sent, e.g. {@code App\Events\ChatMessageEvent}
 * @param pusherChannel the Pusher channel it came on, e.g. {@code chatrooms.668.v2}
 * @param data          the inner Kick JSON, as text ({@code {}} when the frame had none)
 * @param channel       the watched Kick channel that Pusher channel belongs to
 * @param receivedAt    when the frame arrived
 */
public record KickFrame(String pusherEvent, String pusherChannel, String data, KickChannel channel, Instant receivedAt) {
}
