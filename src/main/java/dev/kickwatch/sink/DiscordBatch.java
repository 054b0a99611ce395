package dev.kickwatch.sink;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kickwatch.event.KickEvent;

/** The events of one batch of notifications and their embeds, each rendered once. */
public final class DiscordBatch {

    private final List<KickEvent> events = new ArrayList<>();
    private final List<ObjectNode> embeds = new ArrayList<>();

    synchronized void add(KickEvent event, ObjectNode embed) {
        events.add(event);
        embeds.add(embed);
    }

    public synchronized List<KickEvent> events() {
        return List.copyOf(events);
    }

    synchronized List<ObjectNode> embeds() {
        return List.copyOf(embeds);
    }

    @Override
    public synchronized String toString() {
        return embeds.size() + " notifications";
    }
}
