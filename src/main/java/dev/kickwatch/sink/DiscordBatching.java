package dev.kickwatch.sink;

import dev.kickwatch.event.KickEvent;

/**
 * Batches notifications for Discord; the route's {@code completionSize} (10, Discord's embeds per message) and
 * {@code completionTimeout} say when a batch is sent, and {@link DiscordRenderer#messages} makes it one message,
 * or more when its embeds exceed Discord's 6,000 characters together. Each embed is rendered once, here.
 */
public class DiscordBatching extends Batching<DiscordBatch> {

    private DiscordRenderer renderer;

    @Override
    protected DiscordBatch newBatch() {
        return new DiscordBatch();
    }

    @Override
    protected void add(DiscordBatch batch, KickEvent event) {
        batch.add(event, renderer.embed(event));
    }

    @Override
    protected Class<DiscordBatch> batchType() {
        return DiscordBatch.class;
    }

    public void setRenderer(DiscordRenderer renderer) {
        this.renderer = renderer;
    }
}
